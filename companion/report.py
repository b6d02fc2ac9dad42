"""Reading and summarising the stored results the conclusion lesson is built on.

``results/compare-<corpus>.json`` comes from ``python -m companion compare`` (every architecture,
same corpus, same CPU budget, scored by the yardstick; the committed files predate that: 1.5
wall-clock minutes and the per-metric table only, which is all :func:`table_rows` reads); the
lessons' sweeps (``results/<name>.json``) come from ``python -m companion.measurements.<lesson>.<module>``.
Each file records the command that made it.

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


def header(*parts, width: int = 96) -> None:
    """Print a result's header line (``print``'s arguments, fields separated by ``"|"``) on lines of at
    most ``width`` characters, broken only between fields: a notebook's output area wraps a long line
    wherever the window ends, mid-word."""
    text = " ".join(str(p) for p in parts)
    fields = [f.strip() for f in text.replace(" |", "|").replace("| ", "|").split("|")]
    lines, line = [], ""
    for field in filter(None, fields):
        candidate = f"{line} | {field}" if line else field
        if line and len(candidate) > width:
            lines.append(line)
            candidate = f"  {field}"
        line = candidate
    print("\n".join([*lines, line]))


def load_results(name: str, folder: Path | None = None) -> dict:
    """``results/<name>.json`` as a dict; DataError naming the file and the command to make it."""
    path = (folder or results_dir()) / f"{name}.json"
    if not path.exists():
        from .measurements import command_for

        hint = (
            f"python -m companion compare --corpus {name.split('-', 1)[1]}"
            if name.startswith("compare-")
            else command_for(name)
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


# metric -> a column header short enough for a 1366 px window (the full labels are in METRICS)
SHORT_LABELS = {
    "EB_mean": "EB %",
    "UPC_mean": "UPC",
    "QN_mean": "QN %",
    "DP": "DP %",
    "TD_mean": "TD",
    "chord_tone_rate": "chord tones",
    "register_adherence_mean": "registers",
    "copy_rate": "copy",
    "diversity": "diversity",
}
COST_COLUMNS = ["NLL nats/frame", "params", "steps", "train s", "gen s / 8 bars"]


def rounded(value):
    """A table cell: ints as they are, floats to 3 significant digits (at most 2 decimals from 10
    up, none from 100 up), None as "-"."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, float):
        return value
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value else "0"


def table_rows(results: dict, columns: str = "all") -> tuple[list[str], list[list]]:
    """Header and rows for :func:`companion.plot.markdown_table` (real data first), numbers rounded.

    Args:
        results: a ``compare-<corpus>`` result.
        columns: ``"metrics"`` (model and the metrics of :data:`METRICS`, short headers),
            ``"cost"`` (model, likelihood, parameters, steps, training and generation seconds) or
            ``"all"`` (both side by side: too wide for a laptop screen; the lesson shows the two).
    """
    if columns not in ("all", "metrics", "cost"):
        raise ValueError(f"columns must be 'all', 'metrics' or 'cost', not {columns!r}")
    header = ["model"]
    if columns in ("all", "metrics"):
        header += [SHORT_LABELS[m] for m in METRICS]
    if columns in ("all", "cost"):
        header += COST_COLUMNS
    rows = []
    for row in results["rows"]:
        cells = [row["model"]]
        if columns in ("all", "metrics"):
            cells += [rounded(row.get(m)) for m in METRICS]
        if columns in ("all", "cost"):
            nll = row.get("nll_nats_per_frame")
            cells += [
                "-" if nll is None else f"{nll:.2f} ({row.get('nll_frame', '')})",
                row.get("parameters", "-"),
                row.get("steps", "-"),
                rounded(row.get("train_seconds", "-")),
                rounded(row.get("generation_seconds_per_8_bars", "-")),
            ]
        rows.append(cells)
    return header, rows


def comparison_tables(results: dict):
    """The comparison of one corpus as two Markdown tables that fit a 1366 px window: the metrics
    (short headers, rounded), then what each model cost."""
    from IPython.display import Markdown

    from .plot import markdown_table

    metrics, cost = (markdown_table(*table_rows(results, columns)).data for columns in ("metrics", "cost"))
    key = "; ".join(f"*{SHORT_LABELS[m]}* {label}" for m, (label, _) in METRICS.items())
    return Markdown(f"{metrics}\n\n{key}\n\n{cost}")


def closest_to_real(results: dict, metric: str) -> tuple[str, float] | None:
    """The model whose ``metric`` is closest to the real data's, and that gap (None if undefined).

    A point estimate: the stored comparisons are one run of 16 pieces per model with no interval, so
    "closest" here does not say the runner-up is farther beyond noise. A lesson that names the
    closest model from it must say so (issue 14); the yardstick's intervals
    (:mod:`companion.yardstick`, lesson 06) are the comparison that can."""
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


YARDSTICK_SETS = ("generated", "floor", "random", "shuffled", "copy")
"""The sets of a yardstick result in the order a lesson shows them: the model, the noise floor (real
against real) and the three baselines."""


def yardstick_rows(yardstick: dict) -> tuple[list[str], list[list[str]]]:
    """A lesson's yardstick table (header, rows) from ``evaluate(..., excerpts=N)["yardstick"]``: per set
    (:data:`YARDSTICK_SETS`, those present), the headline (feature-classifier accuracy, 0.5 =
    indistinguishable) with its 95 % interval, the Fréchet distance on the standardised features with
    its interval, the mean overlapping area and the copy rate. Missing figures print as ``-``.

    A lesson shows it beside its own metrics (issue 14, point 5); read the model's row against the
    ``floor`` row: an interval that overlaps the floor's is not shown to differ from real music."""

    def num(value, digits=2):
        return "-" if value is None else f"{value:.{digits}f}"

    def ci(interval, digits=2):
        return "-" if not interval else f"[{interval[0]:.{digits}f}, {interval[1]:.{digits}f}]"

    header = ["set", "classifier accuracy", "95 % interval", "Fréchet distance", "its interval", "mean overlap",
              "copy rate"]
    rows = []
    for name in YARDSTICK_SETS:
        result = yardstick.get("sets", {}).get(name)
        if result is None:
            continue
        head = yardstick.get("headline", {}).get(name, {})
        frechet = result.get("frechet") or {}
        overlap = result.get("overlap") or {}
        rows.append([name, num(head.get("accuracy")), ci(head.get("ci")), num(frechet.get("value")),
                     ci(frechet.get("ci")), num(overlap.get("mean_oa")), num(result.get("copy_rate"))])
    return header, rows
