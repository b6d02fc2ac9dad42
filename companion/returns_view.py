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

Used by notebook 06_diminishing_returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .returns import METRICS, curves, read

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
    out: dict[str, dict[str, list[float]]] = {}
    for point in points:
        if metric == "nll" and not point.get("nll"):
            continue
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


def figure(results: Path, metric: str = "accuracy", corpora: tuple[str, ...] = ("bach", "jazz")):
    """The returns curves of ``metric`` (see the module docstring); returns the matplotlib Figure."""
    import matplotlib.pyplot as plt
    import numpy as np

    from .plot import log_ticks
    from .returns import power_law

    data, fits = series(results, metric), curves(results, metric)
    _, floors = read(results)
    fig, axes = plt.subplots(1, len(corpora), figsize=(5.6 * len(corpora), 4.2), sharey=metric == "accuracy",
                             squeeze=False)  # fmt: skip
    for ax, corpus in zip(axes[0], corpora):
        for key, columns in sorted(data.items()):
            model, where = key.split(":")
            if where != corpus:
                continue
            colour = COLOURS.get(model, "black")
            x = np.array(columns["minutes"])
            ax.plot(x, columns["mean"], "o-", color=colour, label=model, lw=1.6, ms=4)
            ax.fill_between(x, columns["low"], columns["high"], color=colour, alpha=0.15, lw=0)
            fit = fits.get(key, {}).get("fit", {})
            if fit.get("y_inf") is not None:
                grid = np.geomspace(x.min(), x.max(), 50)
                ax.plot(grid, power_law(grid, fit["y_inf"], fit["a"], fit["b"]), ":", color=colour, lw=1)
                ax.axhline(fit["y_inf"], color=colour, ls="--", lw=0.8, alpha=0.7)
        headline = floors.get(corpus, {}).get("headline", {})
        if metric == "accuracy" and headline:
            for name, label, style in BASELINES:
                if name in headline:
                    ax.axhline(headline[name]["accuracy"], color="grey", ls=style, lw=1, label=label)
            if headline.get("floor", {}).get("ci"):
                ax.axhspan(*headline["floor"]["ci"], color="grey", alpha=0.12, lw=0)
            ax.set_ylim(0.3, 1.03)
        log_ticks(ax, "x")
        ax.set_title(corpus, fontsize=11)
        ax.set_xlabel("training budget, CPU minutes (one thread, log scale)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(METRICS[metric].split(":")[0], fontsize=9)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False, bbox_to_anchor=(0.5, -0.08))
    fig.suptitle(METRICS[metric], fontsize=10)
    fig.tight_layout()
    return fig


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
