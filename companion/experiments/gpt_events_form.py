"""Moved to :mod:`companion.measurements.lesson05_event_tokens.form`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson05_event_tokens.form import *  # noqa: F403
from companion.measurements.lesson05_event_tokens.form import main

if __name__ == "__main__":
    main()
