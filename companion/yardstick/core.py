"""The yardstick itself: :func:`measure` (every figure for every set) and :func:`plain`.

The excerpt sets and baselines are in :mod:`.baselines`, one set's figures in :mod:`.figures` (both
re-exported here). See :mod:`companion.yardstick` for the design and the JSON keys. Used by notebooks 02-06.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from ..song import Song
from . import classify
from .baselines import (  # noqa: F401  (re-exported: the names this module always had)
    OWN_GROUP,
    ExcerptSet,
    _pools,
    baselines,
    random_notes,
    shuffled_bars,
)
from .features import sample_excerpts, tune_families
from .figures import (  # noqa: F401
    COPY_WINDOW_BARS,
    CopyIndex,
    _against,
    _describe,
    _harmony_counts,
    _merged,
    _only,
    _prepare,
    _Prepared,
    _ratio_ci,
    per_track_overlap,
)

HEADLINE = "classifier.features.accuracy"


def _headline(sets: dict[str, dict]) -> dict:
    """The headline figure of every set: the feature classifier's held-out accuracy and interval
    (group bootstrap)."""
    out = {"metric": "feature classifier held-out accuracy against real training excerpts (0.5 = indistinguishable)"}
    for name, result in sets.items():
        c = result["classifier"]["features"]
        out[name] = {"accuracy": c["accuracy"], "ci": c["ci"]}
    return out


def headline_numbers(yardstick: dict, name: str) -> dict:
    """The figures of set ``name`` of a :func:`measure` result that a results row carries (``compare``,
    the demo): ``headline`` (``accuracy``, ``ci``), ``frechet`` (``value``, ``ci``), ``overlap_mean``
    and ``overlap_mean_ci``."""
    result, frechet = yardstick["sets"][name], yardstick["sets"][name].get("frechet") or {}
    return {
        "headline": yardstick["headline"][name],
        "frechet": {"value": frechet.get("value"), "ci": frechet.get("ci")},
        "overlap_mean": result["overlap"].get("mean_oa"),
        "overlap_mean_ci": result["overlap"].get("mean_oa_ci"),
    }


def measure(
    real_train: Sequence[Song],
    real_test: Sequence[Song],
    generated: Sequence[Song] | None,
    *,
    bars: int = 8,
    excerpts: int = 100,
    seed: int = 0,
    nll: float | dict | None = None,
    chords: bool | None = None,
    registers: dict[str, tuple[int, int]] | None = None,
    guaranteed: Sequence[str] = (),
    boots: int = 100,
    overlap_boots: int = 100,
    roll_steps: int = classify.ROLL_STEPS,
    roll_cpu_seconds: float | None = classify.ROLL_CPU_SECONDS,
    with_baselines: bool = True,
    per_track: bool = False,
) -> dict:
    """Every figure of the yardstick for ``generated`` and, beside it, the noise floor and baselines.

    Args:
        real_train: the training split (the reference excerpts, the copy index, the baselines' pools).
        real_test: the held-out split (the noise floor's excerpts).
        generated: the model's songs (cut into ``bars``-bar excerpts), or None to measure only the
            floor and baselines.
        bars: excerpt length in bars.
        excerpts: excerpts per set (the reference, the generated, the floor and each baseline).
        seed: seeds every draw, split, bootstrap and network: the same seed gives the same dict
            (except ``cost``, and the roll classifier when its CPU budget stopped it first).
        nll: the model's negative log-likelihood (passed through as given), where it defines one.
        chords: score chord-tone rate against ground-truth labels too; None: when every real training
            excerpt has labels (the jazz corpus).
        registers: track -> (low, high) for register adherence (e.g. :func:`companion.data.registers_for`).
        guaranteed: figures the model's representation guarantees (e.g. ``"QN"`` on a 16th-note grid),
            passed through to the ``guaranteed`` key.
        boots: bootstrap resamples of the Fréchet distance, copy and chord-tone rates.
        overlap_boots: bootstrap resamples of the mean overlap (each costs a KDE per feature).
        roll_steps, roll_cpu_seconds: the roll classifier's budget per fold.
        with_baselines: also measure the three baselines.
        per_track: also give each set's overlap per pitched track name it shares with the reference
            (``overlap_per_track``; the merged roll stays the measure).

    Returns:
        Plain JSON-able data; keys in :mod:`companion.yardstick`'s docstring.
    """
    started, cpu = time.perf_counter(), time.process_time()
    cost: dict[str, float] = {}
    reference, sets, train_families, test_families = _excerpt_sets(
        real_train, real_test, generated, bars=bars, excerpts=excerpts, seed=seed, with_baselines=with_baselines
    )
    cost["excerpts_s"] = time.process_time() - cpu
    ground_truth = all(bool(s.chords) for s in reference.songs) if chords is None else bool(chords)
    t = time.process_time()
    copy_index = CopyIndex(real_train)
    prepared = {"reference": _prepare(reference, bars)} | {k: _prepare(v, bars) for k, v in sets.items()}
    cost["features_s"] = time.process_time() - t
    t = time.process_time()
    described = {
        k: _describe(v.songs, copy_index, registers, ground_truth, np.random.default_rng([seed, 2]), boots)
        for k, v in {"reference": reference, **sets}.items()
    }
    cost["table_s"] = time.process_time() - t
    results = _results(
        sets, prepared, described, reference.songs, cost,
        seed=seed, boots=boots, overlap_boots=overlap_boots, roll_steps=roll_steps,
        roll_cpu_seconds=roll_cpu_seconds, per_track=per_track,
    )  # fmt: skip
    settings = {"bars": bars, "excerpts": excerpts, "seed": seed, "boots": boots, "overlap_boots": overlap_boots}
    out = {
        "headline": _headline(results),
        "settings": _settings(settings, prepared["reference"], ground_truth, test_families, train_families),
        "reference": {"excerpts": len(reference.songs), **described["reference"]},
        "sets": results,
        "nll": nll,
        "guaranteed": sorted(set(guaranteed)),
        "chance": _chance(results),
        "cost": {k: round(v, 2) for k, v in cost.items()}
        | {"wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2)},
    }
    return plain(out)


def _chance(results: dict[str, dict]) -> dict | None:
    """The chance levels: the ``random`` baseline's chord-tone and copy rates (None without baselines)."""
    if "random" not in results:
        return None
    return {k: results["random"].get(k) for k in ("chord_tone_rate", "chord_tone_rate_ground_truth", "copy_rate")}


def _results(
    sets: dict[str, ExcerptSet],
    prepared: dict[str, _Prepared],
    described: dict[str, dict],
    reference_songs: Sequence[Song],
    cost: dict[str, float],
    *,
    seed: int,
    boots: int,
    overlap_boots: int,
    roll_steps: int,
    roll_cpu_seconds: float | None,
    per_track: bool,
) -> dict[str, dict]:
    """Every set's figures against the reference (the ``sets`` key); each set's CPU seconds into ``cost``."""
    results: dict[str, dict] = {}
    for name, excerpt_set in sets.items():
        t = time.process_time()
        compared = _against(
            prepared["reference"],
            prepared[name],
            seed=seed,
            boots=boots,
            overlap_boots=overlap_boots,
            roll_steps=roll_steps,
            roll_cpu_seconds=roll_cpu_seconds,
        )
        results[name] = {
            "excerpts": len(excerpt_set.songs),
            "source": excerpt_set.source,
            **compared,
            **described[name],
        }
        if per_track:
            results[name]["overlap_per_track"] = per_track_overlap(reference_songs, excerpt_set.songs, seed=seed)
        cost[f"{name}_s"] = time.process_time() - t
    return results


def _excerpt_sets(
    real_train: Sequence[Song],
    real_test: Sequence[Song],
    generated: Sequence[Song] | None,
    *,
    bars: int,
    excerpts: int,
    seed: int,
    with_baselines: bool,
) -> tuple[ExcerptSet, dict[str, ExcerptSet], np.ndarray, np.ndarray]:
    """The reference (real training excerpts) and the sets measured against it, in order: generated
    (when given), the floor (real test excerpts) and the baselines (when asked); and the tune family
    of every training and every test song (the classifier's groups)."""
    families = np.array(tune_families(list(real_train) + list(real_test)), dtype=np.int64)
    train_families, test_families = families[: len(real_train)], families[len(real_train) :]
    rng = np.random.default_rng([seed, 1])
    ref_songs, ref_groups, ref_windows = sample_excerpts(real_train, excerpts, bars, rng)
    reference = ExcerptSet(
        "reference",
        ref_songs,
        train_families[np.array(ref_groups, dtype=np.int64)],
        "real training excerpts",
        ref_windows,
    )
    test_songs, test_groups, _ = sample_excerpts(real_test, excerpts, bars, rng)
    sets = {
        "floor": ExcerptSet(
            "floor", test_songs, test_families[np.array(test_groups, dtype=np.int64)], "real test excerpts"
        )
    }
    if generated is not None:
        gen_songs, gen_groups, _ = sample_excerpts(generated, excerpts, bars, rng)
        gen_songs = [s.copy(chords=[]) for s in gen_songs]  # a model's own chord labels are no ground truth
        sets = {"generated": ExcerptSet("generated", gen_songs, OWN_GROUP + np.array(gen_groups), "the model"), **sets}
    if with_baselines:
        sets.update(
            baselines(real_train, n=excerpts, bars=bars, seed=seed, exclude=set(ref_windows), families=train_families)
        )
    return reference, sets, train_families, test_families


def _settings(
    given: dict, reference: _Prepared, ground_truth: bool, test_families: np.ndarray, train_families: np.ndarray
) -> dict:
    """The ``settings`` key: what was measured and how (``given``: bars, excerpts, seed, boots, overlap_boots)."""
    return {
        "bars": given["bars"],
        "excerpts": given["excerpts"],
        "seed": given["seed"],
        "reference": "real training excerpts (every set is compared to these)",
        "view": "merged roll of the pitched tracks (drums left out of the features)",
        "features": list(reference.table),
        "feature_vector_dims": int(reference.vectors.shape[1]),
        "chords": "recognised (companion.harmony) for every set" + (", plus ground truth" if ground_truth else ""),
        "copy_window_bars": COPY_WINDOW_BARS,
        "boots": given["boots"],
        "overlap_boots": given["overlap_boots"],
        "classifier_folds": classify.FOLDS,
        "classifier_groups": "tune families (real), one per excerpt (generated, random, shuffled)",
        "test_pieces_with_train_twin": int(np.isin(test_families, train_families).sum()),
        "test_pieces": len(test_families),
    }


def plain(value):
    """JSON-able: numpy scalars to Python, NaN to None, floats rounded to 4 decimals."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value
