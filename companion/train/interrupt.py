"""Stopping a training run cleanly on SIGINT (Ctrl-C) or SIGTERM (``kill``, a batch system's
time limit): inside :func:`stop_on_signals` the first signal only sets a flag; both trainers check
:func:`requested` after every optimiser step and end the run as if its budget were spent, so the
pipeline saves the checkpoint it saves at the end (resumable with ``--resume``). A second signal
stops at once, unsaved.

Used by ``python -m companion train`` (and by notebooks that want the same behaviour).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_received: list[str] = []


@dataclass
class Stop:
    """What :func:`stop_on_signals` saw: ``signal`` is the name of the first signal, or None."""

    signal: str | None = None


def requested() -> bool:
    """True once SIGINT or SIGTERM arrived inside :func:`stop_on_signals`."""
    return bool(_received)


@contextmanager
def stop_on_signals() -> Iterator[Stop]:
    """Turn SIGINT and SIGTERM into a request to stop after the current step (main thread only)."""
    stop = Stop()

    def handler(signum, frame):
        if _received:
            raise KeyboardInterrupt  # the second signal: stop now
        _received.append(signal.Signals(signum).name)
        stop.signal = _received[0]

    previous = {number: signal.signal(number, handler) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
        _received.clear()
