"""Moved to :mod:`companion.measurements.lesson03_image_gan.collapse`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson03_image_gan.collapse import *  # noqa: F403
from companion.measurements.lesson03_image_gan.collapse import main

if __name__ == "__main__":
    main()
