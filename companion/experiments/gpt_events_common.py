"""Shared plumbing of the lesson-05 experiments (``gpt_events_*``): one training call, one JSON writer.

Used by :mod:`.gpt_events_pitch`, :mod:`.gpt_events_scaling`, :mod:`.gpt_events_form` and
:mod:`.gpt_events_compare`, whose JSONs notebook 05_event_tokens plots.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import torch

from ..pipelines import gpt as pipeline

RESULTS = Path(__file__).resolve().parents[2] / "results"
"""Where the JSONs go: ``results/`` at the repository root."""

JSB_PATH = Path(__file__).resolve().parents[3] / "shared" / "data" / "polyphonic" / "JSB_Chorales.mat"
"""The standard JSB file beside the repository (``../shared/data/polyphonic``)."""


def machine() -> str:
    """One line naming the machine and the thread count the figures come from."""
    threads = torch.get_num_threads()
    return f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, {threads} thread(s)"


def train_point(corpus, config: dict, *, steps: int, seed: int = 0, codec: dict | None = None) -> dict[str, Any]:
    """Train ``gpt-events`` on ``corpus`` with ``config`` overrides (see :func:`companion.pipelines.gpt.train`)
    for ``steps`` steps; returns the checkpoint dict (best weights by validation NLL) with its CPU time."""
    cpu = time.process_time()
    config = {**config, "codec": codec or {}}
    ckpt = pipeline.train("gpt-events", corpus, steps=steps, seed=seed, config=config, show_progress=False)
    ckpt["train"]["cpu_seconds"] = round(time.process_time() - cpu, 1)
    return ckpt


def write_result(name: str, data: dict, *, command: str, started: float, out: str | None = None) -> Path:
    """Write ``results/<name>.json`` with the command, date, machine and wall time in front of ``data``."""
    result = {
        "name": name,
        "command": command,
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "wall_seconds": round(time.perf_counter() - started, 1),
        **data,
    }
    path = Path(out) if out else RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {path}", file=sys.stderr)
    return path
