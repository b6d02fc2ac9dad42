"""A recipe variant beside the plain recipe on the same returns ladder (lesson 06, section 6).

The sweep (:mod:`companion.returns`) can train a model with a named change to its recipe
(``--variant``, :data:`companion.returns.VARIANTS`) into a results file of its own. This module puts
that file's curve beside the plain recipe's, rung by rung, and says in one computed sentence what the
intervals allow: lesson 06 uses it to test its reading that the event transformer is stopped by its
training data (``transpose3``: seven transpositions of every chorale) rather than by its
representation.

* :func:`variant_table` -- per rung: steps, the headline (the plain recipe's band over its seeds, the
  variant's interval), validation NLL and Fréchet distance of both.
* :func:`variant_verdict` -- at the top rung both curves reached and at each curve's best rung: is the
  variant's interval below, overlapping or above the plain recipe's band (the best rungs are compared
  only where the plain recipe's best lies within the variant's ladder; otherwise the sentence says so).

Used by notebook 06_diminishing_returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .returns_view import _ci, _ci2, series


def _at(columns: dict[str, list[float]] | None, minutes: float) -> tuple[float, list[float]] | None:
    """(mean, [low, high]) of one rung of a :func:`~companion.returns_view.series` curve, or None."""
    if not columns or minutes not in columns["minutes"]:
        return None
    i = columns["minutes"].index(minutes)
    return columns["mean"][i], [columns["low"][i], columns["high"][i]]


def _cell(value: tuple[float, list[float]] | None, digits: str = ".3f", band: bool = True) -> str:
    if value is None:
        return "-"
    return f"{value[0]:{digits}} {_ci(value[1])}" if band else f"{value[0]:{digits}}"


def variant_table(plain: Path, variant: Path, key: str = "gpt-events:bach") -> tuple[list[str], list[list[Any]]]:
    """``(header, rows)``: the curve ``key`` (``model:corpus``) of the plain recipe's results file and of
    the variant's, one row per rung the variant reached."""
    metrics = {m: (series(plain, m).get(key), series(variant, m).get(key)) for m in ("accuracy", "nll", "frechet")}
    header = ["CPU min", "headline, plain [band]", "headline, variant [CI]", "valid NLL plain / variant",
              "Fréchet plain / variant"]  # fmt: skip
    rows = []
    for minutes in (metrics["accuracy"][1] or {}).get("minutes", []):
        (acc_plain, acc_variant), (nll_plain, nll_variant), (fr_plain, fr_variant) = (
            (_at(a, minutes), _at(b, minutes)) for a, b in metrics.values()
        )
        rows.append([f"{minutes:g}", _cell(acc_plain), _cell(acc_variant),
                     f"{_cell(nll_plain, band=False)} / {_cell(nll_variant, band=False)}",
                     f"{_cell(fr_plain, '.0f', False)} / {_cell(fr_variant, '.0f', False)}"])  # fmt: skip
    return header, rows


def _compare(name: str, plain: tuple[float, list[float]], variant: tuple[float, list[float]]) -> str:
    where = (
        "below the plain recipe's band: a gain shown" if variant[1][1] < plain[1][0]
        else "above the plain recipe's band: worse" if variant[1][0] > plain[1][1]
        else "overlapping the plain recipe's band: no difference shown"
    )  # fmt: skip
    return f"{name}: variant {variant[0]:.2f} {_ci2(variant[1])} against plain {plain[0]:.2f} {_ci2(plain[1])}, {where}"


def variant_verdict(plain: Path, variant: Path, key: str = "gpt-events:bach") -> str:
    """One sentence: the variant's headline against the plain recipe's at the top rung both reached, and
    each curve's best (lowest) rung against the other's best."""
    plain_curve, variant_curve = series(plain, "accuracy").get(key), series(variant, "accuracy").get(key)
    if not plain_curve or not variant_curve:
        return f"{key}: no variant points to compare yet"
    common = [m for m in variant_curve["minutes"] if m in plain_curve["minutes"]]
    if not common:
        return f"{key}: the variant and the plain recipe share no rung yet"
    top = common[-1]
    parts = [_compare(f"at {top:g} CPU min", _at(plain_curve, top), _at(variant_curve, top))]

    def best(curve: dict[str, list[float]]) -> tuple[float, tuple[float, list[float]]]:
        minutes = min(curve["minutes"], key=lambda m: _at(curve, m)[0])
        return minutes, _at(curve, minutes)

    (plain_m, plain_best), (variant_m, variant_best) = best(plain_curve), best(variant_curve)
    if plain_m > variant_curve["minutes"][-1]:  # not a like-for-like comparison: say so instead of ranking
        parts.append(f"the plain recipe's best, {plain_best[0]:.2f} {_ci2(plain_best[1])} at {plain_m:g} CPU min, "
                     f"lies above the variant's top rung ({variant_curve['minutes'][-1]:g}), so this test does "
                     "not reach the budgets where the plain recipe gained most")  # fmt: skip
    else:
        parts.append(_compare(f"best rungs ({variant_m:g} against {plain_m:g} CPU min)", plain_best, variant_best))
    return f"{key}: " + "; ".join(parts) + "."
