"""Moved to :mod:`companion.measurements.lesson02_musegan.binarize`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson02_musegan.binarize import *  # noqa: F403
from companion.measurements.lesson02_musegan.binarize import main

if __name__ == "__main__":
    main()
