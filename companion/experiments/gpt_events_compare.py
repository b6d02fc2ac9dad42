"""Moved to :mod:`companion.measurements.lesson05_event_tokens.compare`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson05_event_tokens.compare import *  # noqa: F403
from companion.measurements.lesson05_event_tokens.compare import main

if __name__ == "__main__":
    main()
