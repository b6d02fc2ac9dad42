"""Shared plumbing of the lesson-05 experiments (``gpt_events_*``): one training call and how their JSONs
name the thread count (the rest of the JSON header is :func:`companion.measurements.provenance`).

Used by :mod:`.pitch`, :mod:`.scaling`, :mod:`.form` and
:mod:`.compare`, whose JSONs notebook 05_event_tokens plots.
"""

from __future__ import annotations

import time
from typing import Any

import torch

from ... import zoo


def threads() -> str:
    """The thread count as lesson 05's JSONs write it at the end of ``machine``: ``"<n> thread(s)"``, with
    torch's current count (pass it to :func:`companion.measurements.provenance` as ``threads``)."""
    return f"{torch.get_num_threads()} thread(s)"


def train_point(corpus, config: dict, *, steps: int, seed: int = 0, codec: dict | None = None) -> dict[str, Any]:
    """Train ``gpt-events`` on ``corpus`` with ``config`` overrides (see :func:`companion.zoo.train`;
    ``recipes/gpt-events.json`` on every corpus) for ``steps`` steps; returns the checkpoint dict (best
    weights by validation NLL) with its CPU time."""
    cpu = time.process_time()
    config = {**config, "codec": codec or {}}
    ckpt = zoo.train("gpt-events", corpus, steps=steps, seed=seed, overrides=config, show_progress=False,
                     recipe=None)  # fmt: skip
    ckpt["train"]["cpu_seconds"] = round(time.process_time() - cpu, 1)
    return ckpt
