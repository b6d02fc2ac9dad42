"""The lessons' measurements, grouped by lesson: each module regenerates one results/<name>.json that a
notebook plots (``python -m companion.measurements.<lesson>.<module>``, e.g.
``python -m companion.measurements.lesson02_musegan.binarize`` for ``results/musegan_binarize.json``).

``lesson02_musegan`` (binarize, datasize) for notebook 02_musegan, ``lesson03_image_gan`` (common,
collapse, drums, layouts) for 03_image_gan, ``lesson04_gpt_chords`` (regularisation, size) for
04_gpt_chords and ``lesson05_event_tokens`` (common, compare, form, pitch, scaling) for 05_event_tokens.
Before issue 12 they lived in ``companion/experiments/``, whose modules are now shims kept so the
commands recorded in results/ still run.

What every experiment's JSON shares is written here once: :func:`provenance`, the first five keys
(name, command, date, machine, wall time), and :func:`write_result`, which writes the JSON the same
way for all of them. Used by every module of this package, whose JSONs notebooks 02_musegan,
03_image_gan, 04_gpt_chords, 05_event_tokens and 06_diminishing_returns plot.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

RESULTS = Path(__file__).resolve().parents[2] / "results"
"""Where the JSONs go: ``results/`` at the repository root."""

MODULES = {
    "musegan_binarize": "lesson02_musegan.binarize",
    "musegan_datasize": "lesson02_musegan.datasize",
    "imagegan_collapse": "lesson03_image_gan.collapse",
    "imagegan_drums": "lesson03_image_gan.drums",
    "imagegan_layouts": "lesson03_image_gan.layouts",
    "gpt_chords_regularisation": "lesson04_gpt_chords.regularisation",
    "gpt_chords_size": "lesson04_gpt_chords.size",
    "gpt_events_compare": "lesson05_event_tokens.compare",
    "gpt_events_form": "lesson05_event_tokens.form",
    "gpt_events_pitch": "lesson05_event_tokens.pitch",
    "gpt_events_scaling": "lesson05_event_tokens.scaling",
}
"""Each result's name (``results/<name>.json``) -> the module under this package that makes it."""


def command_for(name: str) -> str:
    """How to run the measurement ``name`` again: ``python -m companion.measurements.<lesson>.<module>``
    (names outside :data:`MODULES` keep ``companion.measurements.<name>``)."""
    return f"python -m companion.measurements.{MODULES.get(name, name)}"


def machine(threads: str = "1 thread") -> str:
    """One line naming the machine the figures come from, ending with ``threads`` (the thread count as
    the JSON says it), e.g. ``"x86_64, 2 CPU cores, torch 2.13.0+cpu, 1 thread"``."""
    return f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, {threads}"


def provenance(
    name: str, *, fast: bool, started: float, options: Sequence[str] = (), threads: str = "1 thread"
) -> dict[str, Any]:
    """The keys every experiment's JSON starts with, in this order: ``name``, ``command`` (how to run it
    again: :func:`command_for`, then ``--fast`` when ``fast``, then ``options``),
    ``date`` (today, ``YYYY-MM-DD``), ``machine`` (:func:`machine` with ``threads``) and ``wall_seconds``
    (since ``started``, a :func:`time.perf_counter` reading, to 0.1 s).

    Example: ``{**provenance("musegan_datasize", fast=True, started=started), "model": ...}``."""
    command = " ".join([command_for(name), *(["--fast"] if fast else []), *options])
    return {
        "name": name,
        "command": command,
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(threads),
        "wall_seconds": round(time.perf_counter() - started, 1),
    }


def write_result(out: str | Path, result: dict[str, Any]) -> Path:
    """Write ``result`` to ``out`` as JSON indented by one space with a final newline (creating the
    folder), say so on stderr and return the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out}", file=sys.stderr)
    return out
