"""Moved to :mod:`companion.measurements.lesson04_gpt_chords.size`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson04_gpt_chords.size import *  # noqa: F403
from companion.measurements.lesson04_gpt_chords.size import main

if __name__ == "__main__":
    main()
