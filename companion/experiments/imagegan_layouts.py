"""Moved to :mod:`companion.measurements.lesson03_image_gan.layouts`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson03_image_gan.layouts import *  # noqa: F403
from companion.measurements.lesson03_image_gan.layouts import main

if __name__ == "__main__":
    main()
