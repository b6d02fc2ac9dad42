"""Moved to :mod:`companion.measurements.lesson05_event_tokens.pitch`;
kept so the commands recorded in results/ still run."""

from companion.measurements.lesson05_event_tokens.pitch import *  # noqa: F403
from companion.measurements.lesson05_event_tokens.pitch import main

if __name__ == "__main__":
    main()
