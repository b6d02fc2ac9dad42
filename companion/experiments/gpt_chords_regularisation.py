"""Moved to :mod:`companion.measurements.lesson04_gpt_chords.regularisation`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson04_gpt_chords.regularisation import *  # noqa: F403
from companion.measurements.lesson04_gpt_chords.regularisation import main

if __name__ == "__main__":
    main()
