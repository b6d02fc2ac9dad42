"""Recipes as data: one JSON file per model (``<model>.json``) holding its training settings per
corpus, read by :mod:`companion.family` and recorded (file name and sha256) in every checkpoint and
manifest trained with it. The four polyphonic benchmarks have their own files
(``gpt-chords-polyphonic.json``, ``gpt-events-polyphonic.json``).

A model's file: ``{"model", "family", "about", "default": <corpus>, "corpora": {<corpus>: settings |
<another corpus's name>}}``; ``folder`` and unknown corpora take ``default``.

Used through :mod:`companion.zoo` by the CLI and notebooks 02-06.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import FamilyError

RECIPES = Path(__file__).resolve().parent
"""The folder of the recipe files."""


def merge(base: dict, over: dict | None) -> dict:
    """``base`` with ``over`` merged in, nested dicts merged key by key (neither is changed)."""
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_recipe(file: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """A recipe file's JSON and its provenance (``{"file", "sha256"}``)."""
    try:
        raw = file.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise FamilyError(f"{file}: not a readable JSON recipe ({exc})") from None
    if not isinstance(data, dict):
        raise FamilyError(f"{file}: a recipe is a JSON object, not {type(data).__name__}")
    return data, {"file": f"companion/recipes/{file.name}", "sha256": hashlib.sha256(raw).hexdigest()}


def recipe(model: str, corpus: str, *, file: Path | None = None) -> dict[str, Any]:
    """The settings ``model`` trains with on ``corpus``, from ``recipes/<model>.json``: its
    ``corpora[corpus]`` entry (a name there points at another entry; ``folder`` and unknown corpora
    take ``default``), with ``recipe`` naming the file and its sha256."""
    file = file if file is not None else RECIPES / f"{model}.json"
    if not file.is_file():
        raise FamilyError(f"{file}: no such recipe file")
    data, provenance = read_recipe(file)
    corpora = data.get("corpora", {})
    entry = corpora.get(corpus, corpora.get(data.get("default", ""), {}))
    while isinstance(entry, str):
        entry = corpora[entry]
    return {**copy.deepcopy(entry), "recipe": provenance}
