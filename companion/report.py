"""Reading and summarising the stored results the conclusion lesson is built on.

``results/compare-<corpus>.json`` comes from ``python -m companion compare`` (every architecture,
same corpus, same wall-clock budget); the lessons' sweeps (``results/<name>.json``) come from
``python -m companion.experiments.<name>``. Each file records the command that made it.

Used by notebook 06_diminishing_returns.
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import DataError

# metric -> (label, how to read a gap: True where the value is a percentage)
METRICS = {
    "EB_mean": ("empty bars %", True),
    "UPC_mean": ("pitch classes per bar", False),
    "QN_mean": ("qualified notes %", True),
    "DP": ("drum pattern %", True),
    "TD_mean": ("tonal distance", False),
    "chord_tone_rate": ("chord-tone rate", False),
    "register_adherence_mean": ("register adherence", False),
    "copy_rate": ("copy rate", False),
    "diversity": ("diversity", False),
}


def results_dir(start: Path | None = None) -> Path:
    """The repository's ``results/`` folder, found from ``start`` (default: the working directory)
    upwards, so notebooks (run from ``notebooks/``) and scripts (run from the root) both find it."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "results").is_dir():
            return folder / "results"
    raise DataError(f"no results/ folder above {here}: run the documented commands or use the repository")


def load_results(name: str, folder: Path | None = None) -> dict:
    """``results/<name>.json`` as a dict; DataError naming the file and the command to make it."""
    path = (folder or results_dir()) / f"{name}.json"
    if not path.exists():
        hint = (
            f"python -m companion compare --corpus {name.split('-', 1)[1]}"
            if name.startswith("compare-")
            else (f"python -m companion.experiments.{name}")
        )
        raise DataError(f"{path}: missing; make it with `{hint}`")
    try:
        return json.loads(path.read_text())
    except ValueError as exc:
        raise DataError(f"{path}: not valid JSON ({exc})") from None


def real_row(results: dict) -> dict:
    return next(r for r in results["rows"] if r["model"].startswith("real data"))


def gaps_to_real(results: dict) -> dict[str, dict[str, float | None]]:
    """Per model, per metric: |model - real data| (None where either is undefined)."""
    real = real_row(results)
    gaps = {}
    for row in results["rows"]:
        if row is real:
            continue
        gaps[row["model"]] = {
            m: None if row.get(m) is None or real.get(m) is None else round(abs(row[m] - real[m]), 4) for m in METRICS
        }
    return gaps


def table_rows(results: dict) -> tuple[list[str], list[list]]:
    """Header and rows for :func:`companion.plot.markdown_table` (real data first)."""
    header = ["model", "NLL nats/frame"] + [METRICS[m][0] for m in METRICS]
    header += ["params", "steps", "train s", "gen s / 8 bars"]
    rows = []
    for row in results["rows"]:
        nll = row.get("nll_nats_per_frame")
        cells = [row["model"], "-" if nll is None else f"{nll:.2f} ({row.get('nll_frame', '')})"]
        cells += ["-" if row.get(m) is None else row[m] for m in METRICS]
        cells += [
            row.get("parameters", "-"),
            row.get("steps", "-"),
            row.get("train_seconds", "-"),
            row.get("generation_seconds_per_8_bars", "-"),
        ]
        rows.append(cells)
    return header, rows


def closest_to_real(results: dict, metric: str) -> tuple[str, float] | None:
    """The model whose ``metric`` is closest to the real data's, and that gap (None if undefined)."""
    candidates = [(gap[metric], model) for model, gap in gaps_to_real(results).items() if gap[metric] is not None]
    if not candidates:
        return None
    gap, model = min(candidates)
    return model, gap


def sweep_series(folder: Path | None = None) -> dict[str, list[dict]]:
    """The stored sweeps of lessons 02-05 as plot-ready series, by panel:

    * ``"size"``: validation NLL (nats per JSB frame) vs parameters, for gpt-chords
      (``gpt_chords_size``) and gpt-events (``gpt_events_scaling``, its ``size`` points);
    * ``"data"``: valid NLL of gpt-events against its training frames (``gpt_events_scaling``);
    * ``"musegan data"``: MuseGAN's gaps to the real data (QN, EB, chord-tone rate, in percentage
      points) against its training bars (``musegan_datasize``).

    Each series: ``label``, ``x``, ``y``, ``xlabel``, ``ylabel``, ``source`` (the command). Sweeps not
    (yet) made are left out.
    """
    folder = folder or results_dir()
    series: dict[str, list[dict]] = {"size": [], "data": []}

    def load(name: str) -> dict | None:
        path = folder / f"{name}.json"
        return json.loads(path.read_text()) if path.exists() else None

    if (chords := load("gpt_chords_size")) is not None:
        series["size"].append(_nll_series("gpt-chords", chords["points"], "parameters", chords["command"]))
    if (events := load("gpt_events_scaling")) is not None:
        series["size"].append(_nll_series("gpt-events", events["size"], "parameters", events["command"]))
        series["data"].append(_nll_series("gpt-events (JSB)", events["data"], "train_frames", events["command"]))
    if (musegan := load("musegan_datasize")) is not None:
        series["musegan data"] = _musegan_series(musegan)
    return series


def _nll_series(label: str, points: list[dict], x_key: str, source: str) -> dict:
    """Validation NLL (nats per JSB frame) against ``x_key`` of each point, sorted by ``x_key``."""
    points = sorted(points, key=lambda p: p[x_key])
    return {
        "label": label,
        "x": [p[x_key] for p in points],
        "y": [p["valid_nll_nats_per_frame"] for p in points],
        "xlabel": x_key.replace("train_", "training "),
        "ylabel": "valid NLL, nats per JSB frame",
        "source": source,
    }


MUSEGAN_GAPS = {"QN_mean": ("QN gap", 1.0), "EB_mean": ("EB gap", 1.0), "chord_tone_rate": ("chord-tone gap", 100.0)}
"""The MuseGAN data-size gaps plotted, each with its factor to percentage points."""


def _musegan_series(data: dict) -> list[dict]:
    """``musegan_datasize``'s gaps to the real data (percentage points) against training bars, one
    series per metric of :data:`MUSEGAN_GAPS`, after the full step budget."""
    points = sorted(data.get("points", []), key=lambda p: p["train_bars"])
    steps = data.get("budget", {}).get("steps")
    return [
        {
            "label": f"{data.get('model', 'musegan')}: {label}",
            "x": [p["train_bars"] for p in points],
            "y": [round(factor * p["gap"][key], 4) for p in points],
            "xlabel": "training bars",
            "ylabel": f"|generated - real|, percentage points ({steps} steps)",
            "source": data["command"],
        }
        for key, (label, factor) in MUSEGAN_GAPS.items()
    ]
