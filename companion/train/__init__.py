"""Training: the WGAN-GP trainer shared by both GANs (:mod:`.gan`, lessons 02 and 03) and the
language-model trainer shared by both GPTs (:mod:`.lm`, lessons 04 and 05), plus what they share
here: seeding, budgets (steps, wall-clock seconds, or CPU seconds of the training process -- the
figure that does not depend on what else the machine runs) and the progress bar.

Used by notebooks 02-06 through :mod:`companion.zoo`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm.auto import tqdm


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, numpy and torch; returns a torch Generator seeded the same way."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


UNLIMITED_STEPS = 10**9
"""A step budget that never binds: pass it with ``max_seconds`` to train for a wall-clock time only
(``python -m companion compare``)."""


@dataclass
class Budget:
    """When to stop: after ``steps`` optimiser steps, ``max_seconds`` of wall time or
    ``max_cpu_seconds`` of the process's CPU time (:func:`time.process_time`, counted from the
    budget's creation plus ``cpu_before``, what a resumed run had already spent), first reached."""

    steps: int
    max_seconds: float | None = None
    max_cpu_seconds: float | None = None
    cpu_before: float = 0.0
    started: float = field(default_factory=time.perf_counter)
    cpu_started: float = field(default_factory=time.process_time)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def cpu_elapsed(self) -> float:
        """CPU seconds spent under this budget, including ``cpu_before``."""
        return self.cpu_before + time.process_time() - self.cpu_started

    @property
    def bar_total(self) -> int | None:
        """The progress bar's total: the steps, or None (no total, no ETA) when only time binds."""
        timed = self.max_seconds is not None or self.max_cpu_seconds is not None
        return None if self.steps >= UNLIMITED_STEPS and timed else self.steps

    def done(self, step: int) -> bool:
        return (
            step >= self.steps
            or (self.max_seconds is not None and self.elapsed >= self.max_seconds)
            or (self.max_cpu_seconds is not None and self.cpu_elapsed >= self.max_cpu_seconds)
        )


def _notebook_bar_class():
    """tqdm's notebook bar, subclassed so that closing it removes its output altogether, or None
    outside a notebook kernel (where tqdm.auto picks the terminal bar)."""
    try:
        from tqdm.notebook import tqdm as notebook_tqdm
    except ImportError:  # pragma: no cover - ipywidgets missing
        return None
    if not (isinstance(tqdm, type) and issubclass(tqdm, notebook_tqdm)):
        return None

    class NotebookBar(notebook_tqdm):
        """A notebook bar shown through a display handle; :meth:`close` replaces that output with
        an empty one, so a saved notebook holds no frozen ``0%| | 0/150`` text (which is what a
        reader sees of a bar's widget in a notebook that is opened without running it)."""

        def __init__(self, *args, **kwargs):
            from IPython.display import display

            super().__init__(*args, display=False, **kwargs)
            self._handle = None if self.disable else display(self.container, display_id=True)
            if self._handle is not None:
                self.displayed = True

        def close(self):
            super().close()
            handle, self._handle = getattr(self, "_handle", None), None
            if handle is not None:
                handle.update({"text/plain": ""}, raw=True)

    return NotebookBar


def progress(total: int | None, desc: str, initial: int = 0, disable: bool | None = None) -> tqdm:
    """A tqdm bar (notebook-aware) that leaves nothing behind: in a terminal it is cleared
    (``leave=False``); in a notebook its output is replaced by an empty one when it closes."""
    notebook_bar = _notebook_bar_class()
    if notebook_bar is not None:
        return notebook_bar(total=total, initial=initial, desc=desc, unit="step", disable=disable, leave=False)
    return tqdm(total=total, initial=initial, desc=desc, unit="step", disable=disable, leave=False)
