"""What lesson 06 shows of the returns sweep (:mod:`companion.returns`): one figure of the curves and
one table of the fitted floors, both read from the results file, never typed in.

* :func:`figure` -- a metric against CPU minutes (log x), one panel per corpus, one colour per
  architecture: the mean over seeds as a line, the interval as a band (for the yardstick headline the
  union of the points' 95 % intervals at a rung; for NLL and the Fréchet distance the spread over
  seeds), the fitted curve dotted and its floor ``y_inf`` dashed where a floor could be fitted; for the
  headline also the corpus's noise floor (real against real, with its band) and the three baselines
  (random notes, shuffled bars, copies) as grey lines.
* :func:`floors_table` -- per architecture and corpus: rungs and seeds measured, the value at the top
  rung, the fitted floor with its bootstrap interval and the verdict (flattened where, not flattened,
  saturated, too few rungs).
* :func:`likelihood_against_quality` -- per corpus, the transformers' validation NLL beside their
  headline at the same rung: is the best-likelihood model also the closest to real music?
* :func:`shipped_table`, :func:`shipped_verdict` -- the shipped checkpoints by the yardstick on the test
  split (:mod:`companion.shipped`), and the computed sentence on the best of them against issue 16's
  goal (:data:`GOAL_ACCURACY`), which names no single best where intervals overlap.

Used by notebook 06_diminishing_returns.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from . import returns
from .returns import METRICS, read

COLOURS = {
    "musegan-jamming": "#1f77b4",
    "musegan-composer": "#17becf",
    "musegan-hybrid": "#2ca02c",
    "image-gan": "#9467bd",
    "gpt-chords": "#d62728",
    "gpt-events": "#ff7f0e",
}
BASELINES = (("floor", "real vs real (noise floor)", "-"), ("random", "random notes", ":"),
             ("shuffled", "shuffled bars", "--"), ("copy", "copies of training bars", "-."))  # fmt: skip


@lru_cache(maxsize=32)
def _curves(path: str, stamp: tuple[float, int], metric: str) -> dict[str, dict]:
    return returns.curves(Path(path), metric)


def curves(results: Path, metric: str = "accuracy") -> dict[str, dict]:
    """:func:`companion.returns.curves`, computed once per file version and metric (its bootstrap fits
    are the slow part of the lesson; the figure, the table and the conclusions share them)."""
    stat = Path(results).stat()
    return _curves(str(Path(results).resolve()), (stat.st_mtime, stat.st_size), metric)


def _band(rows: list[dict], metric: str) -> tuple[float, float]:
    """The interval drawn at one rung: the union of the points' intervals (headline), else the spread."""
    from .returns import value_of

    if metric == "accuracy":
        lows = [(r["headline"].get("ci") or [r["headline"]["accuracy"]] * 2)[0] for r in rows]
        highs = [(r["headline"].get("ci") or [r["headline"]["accuracy"]] * 2)[1] for r in rows]
        return min(lows), max(highs)
    values = [value_of(r, metric) for r in rows]
    return min(values), max(values)


def series(results: Path, metric: str = "accuracy") -> dict[str, dict[str, list[float]]]:
    """Per ``model:corpus``: ``minutes``, ``mean``, ``low``, ``high`` and ``seeds`` per rung."""
    from .returns import value_of

    points, _ = read(results)
    points = [p for p in points if returns.has_value(p, metric)]  # no NLL for a model without a likelihood
    out: dict[str, dict[str, list[float]]] = {}
    for point in points:
        out.setdefault(f"{point['model']}:{point['corpus']}", {})
    for key in out:
        model, corpus = key.split(":")
        rows = [p for p in points if p["model"] == model and p["corpus"] == corpus]
        columns: dict[str, list[float]] = {"minutes": [], "mean": [], "low": [], "high": [], "seeds": []}
        for rung in sorted({float(r["minutes"]) for r in rows}):
            at = [r for r in rows if float(r["minutes"]) == rung]
            low, high = _band(at, metric)
            values = [value_of(r, metric) for r in at]
            for name, value in (("minutes", rung), ("mean", sum(values) / len(values)), ("low", low),
                                ("high", high), ("seeds", len(at))):  # fmt: skip
                columns[name].append(value)
        out[key] = columns
    return out


def _reference(floor: dict, name: str, metric: str) -> tuple[float | None, list[float] | None]:
    """A reference set's (value, interval) in the corpus's floor row: the headline's accuracy, or the
    Fréchet distance of that set; (None, None) where the row has none (NLL has no reference)."""
    if metric == "accuracy":
        entry = floor.get("headline", {}).get(name) or {}
        return entry.get("accuracy"), entry.get("ci")
    if metric == "frechet":
        entry = (floor.get("sets", {}).get(name) or {}).get("frechet") or {}
        return entry.get("value"), entry.get("ci")
    return None, None


def figure(results: Path, metric: str = "accuracy", corpora: tuple[str, ...] = ("bach", "jazz"),
           log_y: bool | None = None):  # fmt: skip
    """The returns curves of ``metric`` (see the module docstring); returns the matplotlib Figure.

    The noise floor and the baselines are drawn for the headline and for the Fréchet distance (their
    Fréchet distances are in the floor row too). ``log_y`` (default: for the Fréchet distance, whose
    values span decades) draws y on a log scale limited to the drawn values, so a fitted floor far
    below them is left out of view rather than squashing the curves."""
    import matplotlib.pyplot as plt
    import numpy as np

    from .plot import log_ticks
    from .returns import power_law

    data, fits = series(results, metric), curves(results, metric)
    _, floors = read(results)
    log_y = metric == "frechet" if log_y is None else log_y
    fig, axes = plt.subplots(1, len(corpora), figsize=(5.6 * len(corpora), 4.2), sharey=metric == "accuracy",
                             squeeze=False)  # fmt: skip
    for ax, corpus in zip(axes[0], corpora):
        drawn: list[float] = []
        for key, columns in sorted(data.items()):
            model, where = key.split(":")
            if where != corpus:
                continue
            colour = COLOURS.get(model, "black")
            x = np.array(columns["minutes"])
            ax.plot(x, columns["mean"], "o-", color=colour, label=model, lw=1.6, ms=4)
            ax.fill_between(x, columns["low"], columns["high"], color=colour, alpha=0.15, lw=0)
            drawn += columns["low"] + columns["high"]
            fit = fits.get(key, {}).get("fit", {})
            if fit.get("y_inf") is not None:
                grid = np.geomspace(x.min(), x.max(), 50)
                ax.plot(grid, power_law(grid, fit["y_inf"], fit["a"], fit["b"]), ":", color=colour, lw=1)
                if not fit.get("at_bound"):  # a floor at the metric's bound is no floor: not drawn
                    ax.axhline(fit["y_inf"], color=colour, ls="--", lw=0.8, alpha=0.7)
        floor = floors.get(corpus, {})
        for name, label, style in BASELINES:
            value, ci = _reference(floor, name, metric)
            if value is not None:
                ax.axhline(value, color="grey", ls=style, lw=1, label=label)
                drawn.append(value)
            if name == "floor" and ci:
                ax.axhspan(*ci, color="grey", alpha=0.12, lw=0)
        if metric == "accuracy":
            ax.set_ylim(0.3, 1.03)
        elif log_y and any(v > 0 for v in drawn):
            positive = [v for v in drawn if v > 0]
            ax.set_yscale("log")
            ax.set_ylim(min(positive) / 1.5, max(positive) * 1.5)
        log_ticks(ax, "x")
        rungs = sorted({m for key, c in data.items() if key.endswith(f":{corpus}") for m in c["minutes"]})
        if rungs:  # a label at every rung measured (log_ticks labels 1, 2, 5 only)
            ax.set_xticks(rungs, [f"{m:g}" for m in rungs])
        ax.set_title(corpus, fontsize=11)
        ax.set_xlabel("training budget, CPU minutes (one thread, log scale)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(METRICS[metric].split(":")[0], fontsize=9)
    seen: dict[str, Any] = {}
    for ax in axes[0]:  # every model and reference line once, whichever panel drew it
        for handle, label in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(label, handle)
    handles, labels = list(seen.values()), list(seen)
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.16))
    fig.suptitle(METRICS[metric], fontsize=10)
    fig.tight_layout()
    return fig


def _num(value: float) -> str:
    """A number in a sentence: three significant digits, or whole with separators from 1,000 up."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _ci(values: list[float] | None) -> str:
    return f"[{values[0]:.3g}, {values[1]:.3g}]" if values else "-"


def floors_table(results: Path, metric: str = "accuracy") -> tuple[list[str], list[list[Any]]]:
    """``(header, rows)``: one row per architecture and corpus (see the module docstring)."""
    data, fits = series(results, metric), curves(results, metric)
    header = ["model", "corpus", "rungs (CPU min)", "seeds", "at the top rung", "fitted floor [95 % CI]", "verdict"]
    rows = []
    for key in sorted(data):
        model, corpus = key.split(":")
        columns, fit = data[key], fits[key]
        top = columns["mean"][-1]
        floor = fit["fit"].get("y_inf")
        band = _ci([columns["low"][-1], columns["high"][-1]])
        rows.append([model, corpus, f"{columns['minutes'][0]:g}-{columns['minutes'][-1]:g}",
                     f"{min(columns['seeds'])}-{max(columns['seeds'])}", f"{top:.3g} {band}",
                     "-" if floor is None else f"{floor:.3g} {_ci(fit['fit'].get('y_inf_ci'))}",
                     fit["flattening"].get("verdict", "")])  # fmt: skip
    return header, rows


def likelihood_against_quality(results: Path) -> tuple[list[str], list[list[Any]]]:
    """``(header, rows)``: per corpus and rung, each transformer's validation NLL (nats per token of its
    own codec, so compare within a model, not across) beside its headline and Fréchet distance."""
    nll, accuracy, frechet = series(results, "nll"), series(results, "accuracy"), series(results, "frechet")
    header = ["corpus", "model", "CPU min", "valid NLL (nats/token)", "headline [band]", "Fréchet"]
    rows = []
    for key in sorted(nll):
        model, corpus = key.split(":")
        for i, minutes in enumerate(nll[key]["minutes"]):
            j = accuracy[key]["minutes"].index(minutes)
            rows.append([corpus, model, f"{minutes:g}", f"{nll[key]['mean'][i]:.3f}",
                         f"{accuracy[key]['mean'][j]:.3f} {_ci([accuracy[key]['low'][j], accuracy[key]['high'][j]])}",
                         f"{frechet[key]['mean'][j]:.0f}"])  # fmt: skip
    return header, rows


def _overlaps(a: list[float] | None, b: list[float] | None) -> bool:
    return bool(a and b) and a[0] <= b[1] and b[0] <= a[1]


def _nll_line(key: str, nll: dict[str, dict[str, list[float]]], fit: dict) -> str | None:
    """What the NLL curve of ``key`` allows: does it still fall between its last two rungs (and by more
    than the spread over seeds at the rung before), and is a floor pinned by the fit."""
    columns = nll.get(key)
    if not columns or len(columns["minutes"]) < 2:
        return None
    (m0, m1), (v0, v1) = columns["minutes"][-2:], columns["mean"][-2:]
    low0 = columns["low"][-2]
    if v1 < v0:
        beyond = (
            "every seed at the top rung below every seed at the rung before"
            if columns["high"][-1] < low0
            else "within the spread over seeds at the rung before, so the fall is not shown"
        )
        line = (
            f"{key}: validation NLL still falls between the last two rungs, {v0:.3f} -> {v1:.3f} nats/token "
            f"({m0:g} -> {m1:g} CPU min; {beyond})"
        )
    else:
        line = (
            f"{key}: validation NLL does not fall between the last two rungs, {v0:.3f} -> {v1:.3f} nats/token "
            f"({m0:g} -> {m1:g} CPU min)"
        )
    floor, ci = fit["fit"].get("y_inf"), fit["fit"].get("y_inf_ci")
    if floor is None:
        line += f"; {fit['flattening'].get('verdict', 'no floor fitted')}"
    elif fit["fit"].get("at_bound") or (ci and ci[0] < 0.01 * v1):
        line += f"; {fit['flattening'].get('verdict', 'the fit pins no floor')}"
    else:
        line += f"; fitted floor {floor:.3g} {_ci(ci)}, {fit['flattening'].get('verdict', '')}"
    return line + "."


def conclusions(results: Path) -> list[str]:
    """The lesson's conclusions, one sentence each, computed from the results file and saying only what
    the intervals allow. For every ``model:corpus``: whether the headline's interval at its top rung
    (the union over seeds) overlaps the corpus's noise-floor interval (real against real), and what
    its headline curve shows (saturated, too few rungs, not flattened at the top rung, or flattened at
    a budget); for the models with a likelihood, whether NLL still falls between the last two rungs.
    Then one line per corpus on likelihood beside quality: along each model's own curve, did the
    lower NLL come with a lower Fréchet distance (NLLs of two codecs are not compared). Works for
    whatever models, corpora and rungs the file holds; a run that early stopping ended below a rung
    (a ``"stopped"`` row) gets one line saying so."""
    accuracy, frechet, nll = series(results, "accuracy"), series(results, "frechet"), series(results, "nll")
    fits, nll_fits = curves(results, "accuracy"), curves(results, "nll")
    _, floors = read(results)
    stops: dict[str, list[dict]] = {}
    for row in returns.stopped_rows(results):
        stops.setdefault(f"{row['model']}:{row['corpus']}", []).append(row)
    lines, apart, total = [], 0, 0
    for key in sorted(accuracy):
        model, corpus = key.split(":")
        columns, fit = accuracy[key], fits[key]
        top, band = columns["minutes"][-1], [columns["low"][-1], columns["high"][-1]]
        noise = (floors.get(corpus, {}).get("headline", {}).get("floor") or {}).get("ci")
        total += 1
        if noise is None:
            verdict = "no noise floor for this corpus in the file, so no comparison"
        elif _overlaps(band, noise):
            verdict = (
                f"its interval overlaps the noise floor's {_ci(noise)}: not shown to differ from real music "
                "by this classifier at this budget"
            )
        else:
            apart += 1
            verdict = f"its interval misses the noise floor's {_ci(noise)}: the classifier tells it from real music"
        lines.append(f"{key}: headline {columns['mean'][-1]:.3g} {_ci(band)} at its top rung ({top:g} CPU min); "
                     f"{verdict}.")  # fmt: skip
        flat = fit["flattening"]
        if fit["saturated"]:
            shape = "saturated (every point's interval reaches 1.0), so no returns can be read from the headline"
        elif fit["fit"].get("y_inf") is None:
            shape = flat.get("verdict", "no floor fitted")
        elif flat.get("within_ladder"):
            shape = (
                f"flattened at {flat['minutes']:g} CPU min (one more doubling gains less than the noise "
                f"floor's half-interval {flat['resolution']:.3g}), fitted floor {fit['fit']['y_inf']:.3g} "
                f"{_ci(fit['fit'].get('y_inf_ci'))}"
            )
        else:
            shape = f"not flattened at the top rung ({top:g} CPU min)"
            if key in stops:
                shape += ("; early stopping ended the run there (line below), so this recipe gives no "
                          "higher rung: the fitted headline curve had not flattened when the likelihood "
                          "stopped improving")  # fmt: skip
        lines.append(f"{key}: headline curve over {len(columns['minutes'])} rungs: {shape}.")
        nll_line = _nll_line(key, nll, nll_fits.get(key, {"fit": {}, "flattening": {}}))
        if nll_line:
            lines.append(nll_line)
        for stop in stops.get(key, []):
            lines.append(f"{key}: early stopping ended seed {stop['seed']}'s run at "
                         f"{stop['train_cpu_seconds'] / 60:.1f} CPU min (its validation NLL last improved at step "
                         f"{stop['best_step']}; the best weights are kept), below the {stop['above_minutes']:g} CPU "
                         "min rung: more compute stopped paying for this recipe on this training set (the limit is "
                         "the data or the recipe's regularisation, not the budget).")  # fmt: skip
    points, _ = read(results)
    if total:
        near = sum(_overlaps(p["headline"].get("ci"), (floors.get(p["corpus"], {}).get("headline", {}).get("floor")
                                                       or {}).get("ci")) for p in points)  # fmt: skip
        lines.append(f"At the top rung, {apart} of {total} model:corpus curves have a headline interval that misses "
                     f"the noise floor; over every rung and seed, {near} of {len(points)} points have one that "
                     "overlaps it.")  # fmt: skip
    falling = [k for k in nll if len(nll[k]["minutes"]) >= 2 and nll[k]["mean"][-1] < nll[k]["mean"][-2]]
    if nll:
        lines.append(f"Validation NLL falls between the last two rungs on {len(falling)} of {len(nll)} curves with a "
                     "likelihood.")  # fmt: skip
    for key in sorted(nll):
        if key not in frechet or len(nll[key]["minutes"]) < 2:
            continue
        n, f = nll[key], frechet[key]
        j0, j1 = f["minutes"].index(n["minutes"][0]), f["minutes"].index(n["minutes"][-1])
        closer = (
            "closer to"
            if f["high"][j1] < f["low"][j0]
            else "farther from"
            if f["low"][j1] > f["high"][j0]
            else "neither measurably closer to nor farther from"
        )
        lines.append(f"{key}: from {n['minutes'][0]:g} to {n['minutes'][-1]:g} CPU min its NLL went "
                     f"{n['mean'][0]:.3f} -> {n['mean'][-1]:.3f} nats/token and its Fréchet distance "
                     f"{_num(f['mean'][j0])} -> {_num(f['mean'][j1])}: the better likelihood left it {closer} real "
                     "music by that distance (ranges over seeds compared).")  # fmt: skip
    return lines


GOAL_ACCURACY = 0.75
"""Issue 16's goal for the best shipped architecture on bach: a feature-classifier accuracy of at most this."""


def _ci2(values: list[float] | None) -> str:
    """An interval with two decimals (the accuracies of the shipped table)."""
    return "[-]" if not values else f"[{values[0]:.2f}, {values[1]:.2f}]"


def _frechet(row: dict) -> str:
    value = (row.get("frechet") or {}).get("value")
    return "-" if value is None else _num(value)


def _shipped_rows(results: Path, corpus: str) -> list[dict]:
    """The shipped checkpoints of ``corpus`` in ``results`` (:mod:`companion.shipped`), best headline first."""
    from .shipped import read as read_shipped

    rows = (r for r in read_shipped(results).values() if r["corpus"] == corpus)
    return sorted(rows, key=lambda r: r["headline"]["generated"]["accuracy"])


def shipped_table(results: Path, corpus: str) -> tuple[list[str], list[list[Any]]]:
    """``(header, rows)``: every shipped checkpoint of ``corpus`` by the yardstick on the test split
    (:mod:`companion.shipped`), best headline first, beside what its training cost (CPU minutes where
    its manifest records them, else its steps and wall minutes) and the noise floor of the same run."""
    rows = _shipped_rows(results, corpus)
    header = ["model", "steps", "training", "feature classifier [95 % CI]", "roll classifier [95 % CI]",
              "noise floor [95 % CI]", "Fréchet"]  # fmt: skip
    table = []
    for r in rows:
        cost = (f"{r['cpu_seconds'] / 60:.1f} CPU min" if r.get("cpu_seconds")
                else f"{(r.get('wall_seconds') or 0) / 60:.1f} wall min (CPU not recorded)")  # fmt: skip
        generated, floor = r["headline"]["generated"], r["headline"]["floor"]
        roll = r.get("roll", {}).get("generated", {})
        table.append([r["model"], r["steps"], cost, f"{generated['accuracy']:.2f} {_ci2(generated['ci'])}",
                      f"{roll['accuracy']:.2f} {_ci2(roll['ci'])}" if roll else "-",
                      f"{floor['accuracy']:.2f} {_ci2(floor['ci'])}", _frechet(r)])  # fmt: skip
    return header, table


def shipped_verdict(results: Path, corpus: str = "bach", goal: float = GOAL_ACCURACY) -> str:
    """One computed sentence: the shipped model with the lowest headline on ``corpus``, its interval,
    whether that interval overlaps the next model's (then no single "best" is named), and whether it
    meets ``goal``."""
    rows = _shipped_rows(results, corpus)
    if not rows:
        return f"no shipped checkpoint of {corpus} has been scored"
    best = rows[0]["headline"]["generated"]
    line = (f"{corpus}: lowest classifier accuracy among the shipped models: {rows[0]['model']}, "
            f"{best['accuracy']:.2f} {_ci2(best['ci'])}")  # fmt: skip
    floor = rows[0]["headline"]["floor"]
    line += (f"; against the noise floor's {floor['accuracy']:.2f} {_ci2(floor['ci'])} it "
             + ("overlaps: not shown to differ from real music by this classifier" if _overlaps(best["ci"], floor["ci"])
                else "misses: the classifier tells it from real music"))  # fmt: skip
    tied = [r["model"] for r in rows[1:] if _overlaps(best["ci"], r["headline"]["generated"]["ci"])]
    if tied:
        line += f"; its interval overlaps {', '.join(tied)}'s, so no single best is named"
    if best["ci"][1] <= goal:
        line += f"; the goal (at most {goal:g}) is met by the whole interval"
    elif best["accuracy"] <= goal:
        line += f"; its mean meets the goal (at most {goal:g}) but its interval reaches above it"
    else:
        line += f"; the goal (at most {goal:g}) is missed by {best['accuracy'] - goal:.2f}"
    return line
