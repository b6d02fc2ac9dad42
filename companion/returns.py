"""Returns curves (issue 16, lesson 06): train a model on a geometric ladder of CPU-time budgets and
score every rung with the yardstick, so that "more compute stops helping" is a measured curve with an
interval, not a sentence.

One *run* is (model, corpus, seed). It trains on one thread with no step budget, so the learning rate
does not depend on the total budget (linear warm-up, then the cosine over
:data:`~companion.train.UNLIMITED_STEPS` steps, which is flat at these lengths), and stops at each rung
of :data:`LADDER_MINUTES` CPU minutes of the training process; the next rung resumes the same
checkpoint, so a rung's model is nearly the same as a run stopped there: the CPU seconds of a rung
include the run's data preparation, redone at every resume (measured on bach: 1.4 CPU s for
gpt-events, 10 s with the ``transpose3`` variant), so a laddered run trains for slightly less than
one uninterrupted run of the same budget. Seeds 0-2 climb to :data:`MULTI_SEED_MINUTES`, one seed
(0 unless ``--above-seed`` says otherwise) to the top rung.

A run that early stopping on the validation NLL ends below a rung (the transformers' recipes stop
after a number of evaluations without a better NLL, and keep the best weights) is not scored again
at the rungs above: one ``"stopped"`` line records its CPU seconds, steps and best step instead.

Every finished point (one rung of one run) is appended at once to the results file as one JSON line,
and a restarted sweep skips what is there and resumes each run from its checkpoint (kept under
``runs/returns/``, not committed; a run whose checkpoint is gone restarts from step 0, and its
finished points stay valid because a seed gives the same run). The noise floor and the baselines of
each corpus (real against real, random notes, shuffled bars, copies) are one more line per corpus.

    python -m companion.returns --out results/returns_curves.jsonl            # the whole sweep
    python -m companion.returns --out /tmp/r.jsonl --fast                     # a smoke run (CI)
    python -m companion.returns --out results/returns_curves.jsonl --cluster local:2   # on Ray, 2 workers

With ``--cluster`` (Ray, the optional extra ``companion[cluster]``) the independent runs, each its
rungs in order, and the floors go to a Ray cluster through the same functions (:mod:`companion.cluster`);
without it the sweep is one point at a time in this process.

Scores: the yardstick's headline (feature-classifier accuracy against real training excerpts on
``EXCERPTS`` generated 8-bar excerpts, 0.5 = indistinguishable, with its interval) on the
validation split, and for the transformers their validation NLL from ``zoo.evaluate``.

Used by notebook 06 (and the sweep command above). Every architecture goes through the same path:
:func:`companion.zoo.train` with a CPU-second budget, its family's sampler, the yardstick, and the
family's likelihood where it defines one (the two transformers).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

LADDER_MINUTES = (0.5, 1, 2, 4, 8, 16, 32)
"""The CPU-minute rungs (one thread) every run is scored at."""

EXTRA_RUNG = 64
"""The rung added (``--ladder ... 64``) for a curve that has not flattened at 32 CPU minutes."""

MULTI_SEED_MINUTES = 8
"""Rungs up to this budget are run with :data:`SEEDS`; above it, seed 0 only."""

SEEDS = (0, 1, 2)
MODELS = ("gpt-events", "gpt-chords", "musegan-jamming", "musegan-composer", "musegan-hybrid", "image-gan")
CORPORA = ("bach", "jazz")
EXCERPTS = 48
"""Generated (and real) 8-bar excerpts per yardstick score."""

SPLIT = "valid"
"""The split every point is scored on (the test split is kept for the shipped checkpoints)."""

VARIANTS: dict[str, dict] = {
    "transpose3": {"augment_transpose": 3},
}
"""Named changes to a model's recipe (``--variant``), merged over it by :func:`companion.zoo.train`:
``transpose3`` also trains on every piece transposed by -3..+3 semitones (seven times the training
music, the codec fitted on all of it), which tests lesson 06's reading that the event transformer is
stopped by its data, not by its representation. A variant's rows carry its name in ``"variant"``
and belong in their own results file (``results/returns_variants.jsonl``)."""


@dataclass(frozen=True)
class Point:
    """One rung of one run: ``minutes`` of CPU time, or, for a step rung, ``rung_steps`` optimiser
    steps (and ``minutes`` None)."""

    model: str
    corpus: str
    seed: int
    minutes: float | None
    variant: str = ""
    """A name of :data:`VARIANTS`, or "" for the recipe as it is."""
    rung_steps: int | None = None
    """A step budget in place of the CPU minutes (``--ladder-steps``): a rung that does not depend on
    the machine's speed, so that a sweep gives the same rows wherever it runs (the cluster test). Not
    a measurement of returns: in the transformers' trainer the step budget also sets the length of the
    learning-rate schedule, so a step rung is not the model of a longer run stopped there."""

    @property
    def key(self) -> tuple:
        return key_of(asdict(self))

    @property
    def run(self) -> tuple:
        """(model, corpus, seed, variant): the run this rung belongs to."""
        return (self.model, self.corpus, self.seed, self.variant)

    @property
    def run_name(self) -> str:
        """The run's checkpoint name under the runs folder."""
        variant = f"-{self.variant}" if self.variant else ""
        return f"{self.model}{variant}-{self.corpus}-seed{self.seed}"

    @property
    def rung(self) -> str:
        """The rung as a file-name label: ``4min`` or ``200steps``."""
        return f"{self.minutes:g}min" if self.rung_steps is None else f"{self.rung_steps}steps"


def key_of(row: dict) -> tuple:
    """A point row's identity in a results file: (model, corpus, seed, CPU minutes, variant), with
    ``"N steps"`` in place of the minutes for a step rung."""
    rung = float(row["minutes"]) if row.get("rung_steps") is None else f"{row['rung_steps']} steps"
    return (row["model"], row["corpus"], row["seed"], rung, row.get("variant", ""))


def plan(
    models: Iterable[str] = MODELS,
    corpora: Iterable[str] = CORPORA,
    ladder: Iterable[float] = LADDER_MINUTES,
    seeds: Iterable[int] = SEEDS,
    multi_seed_minutes: float = MULTI_SEED_MINUTES,
    above_seed: int = 0,
    variant: str = "",
    ladder_steps: Iterable[int] | None = None,
) -> list[Point]:
    """Every point of the sweep, cheapest rung first across all runs (so an interrupted sweep has
    every run's low rungs with all seeds before any run's top rung). Rungs above
    ``multi_seed_minutes`` are climbed by ``above_seed`` alone (seed 0 by default; another seed lets a
    run whose checkpoint survives climb on instead of retraining seed 0 from step 0). With
    ``ladder_steps`` the rungs are those step counts (every seed at every rung) instead of
    ``ladder``'s CPU minutes."""
    if ladder_steps is not None:
        return [Point(model, corpus, seed, None, variant, int(steps))
                for steps in ladder_steps for seed in seeds for model in models for corpus in corpora]  # fmt: skip
    return [
        Point(model, corpus, seed, minutes, variant)
        for minutes in ladder
        for seed in seeds
        if seed == above_seed or minutes <= multi_seed_minutes
        for model in models
        for corpus in corpora
    ]


def finished(results: Path) -> set[tuple]:
    """Keys of the points already in ``results``."""
    if not results.exists():
        return set()
    keys = set()
    for line in results.read_text().splitlines():
        row = json.loads(line)
        if row.get("kind") == "point":
            keys.add(key_of(row))
    return keys


def append_row(results: Path, row: dict) -> None:
    """Append one JSON line and flush it to disk (a killed sweep loses at most the point it was on)."""
    results.parent.mkdir(parents=True, exist_ok=True)
    with results.open("a") as handle:
        handle.write(json.dumps(row, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _headline(yardstick: dict, name: str) -> dict:
    return yardstick["headline"][name]


_CORPORA: dict = {}


def _corpus(name: str):
    """The corpus, loaded once per process."""
    from .data import load_corpus

    if name not in _CORPORA:
        _CORPORA[name] = load_corpus(name)
    return _CORPORA[name]


def floor_row(corpus_name: str, excerpts: int, seed: int = 0) -> dict:
    """The corpus's noise floor and baselines on :data:`SPLIT` (no model)."""
    from .data import registers_for
    from .yardstick import measure

    corpus = _corpus(corpus_name)
    result = measure(corpus.train, corpus.splits[SPLIT], None, excerpts=excerpts, seed=seed,
                     registers=registers_for(corpus_name))  # fmt: skip
    return {
        "kind": "floor",
        "corpus": corpus_name,
        "split": SPLIT,
        "excerpts": excerpts,
        "headline": result["headline"],
        "sets": {k: {"accuracy": v["classifier"]["features"]["accuracy"], "ci": v["classifier"]["features"]["ci"],
                     "frechet": v.get("frechet"), "overlap_mean": v.get("overlap", {}).get("mean_oa")}
                 for k, v in result["sets"].items()},  # fmt: skip
        "cost": result["cost"],
    }


def score_point(point: Point, checkpoint_path: Path, excerpts: int) -> dict:
    """Train (resuming) up to the point's rung, then score the checkpoint; returns the JSON row."""
    import torch

    from . import zoo
    from .train import UNLIMITED_STEPS
    from .yardstick import for_checkpoint

    torch.set_num_threads(1)
    corpus = _corpus(point.corpus)
    steps, cpu_seconds = (UNLIMITED_STEPS, point.minutes * 60) if point.rung_steps is None else (point.rung_steps, None)
    checkpoint = zoo.train(point.model, corpus, steps=steps, seed=point.seed, out=checkpoint_path,
                           resume=True, max_cpu_seconds=cpu_seconds, show_progress=False,
                           overrides=VARIANTS[point.variant] if point.variant else None)  # fmt: skip
    info = checkpoint["train"]
    started = time.process_time()
    loaded = zoo.loaded(checkpoint)
    nll = {k: v for k, v in loaded.family.likelihood(loaded, corpus, SPLIT).items() if k.startswith("nll")}
    yardstick = for_checkpoint(loaded, corpus, split=SPLIT, excerpts=excerpts, seed=0, nll=nll or None,
                               with_baselines=False)  # fmt: skip
    generated = yardstick["sets"]["generated"]
    # rows of the plain recipe have no "variant" key, rows of CPU-minute rungs no "rung_steps"
    fields = {k: v for k, v in asdict(point).items() if k not in ("variant", "rung_steps") or v}
    return {
        "kind": "point",
        **fields,
        "split": SPLIT,
        "excerpts": excerpts,
        "train_cpu_seconds": info.get("cpu_seconds"),
        "steps": info.get("steps"),
        "best_step": info.get("best_step"),
        "stopped_early": info.get("stopped_early"),
        "torch_threads": info.get("torch_threads"),
        "parameters": info.get("parameters"),
        "nll": nll,
        "headline": _headline(yardstick, "generated"),
        "floor": _headline(yardstick, "floor"),
        "frechet": generated.get("frechet"),
        "overlap_mean": generated.get("overlap", {}).get("mean_oa"),
        "score_cpu_seconds": round(time.process_time() - started, 1),
    }


def stopped_before(checkpoint_path: Path, minutes: float | None, *, steps: int | None = None) -> dict | None:
    """Where a run's checkpoint says early stopping (on the validation NLL) ended it before ``minutes``
    CPU minutes (or, for a step rung, before ``steps`` steps): its CPU seconds, steps and best step;
    None where it did not (or there is no checkpoint)."""
    if not checkpoint_path.exists():
        return None
    from . import zoo

    info = zoo.provenance(checkpoint_path)
    if steps is None:
        short, above = float(info.get("cpu_seconds") or 0) < minutes * 60, {"above_minutes": minutes}
    else:
        short, above = int(info.get("steps") or 0) < steps, {"above_steps": steps}
    if not info.get("stopped_early") or not short:
        return None
    return {"train_cpu_seconds": info.get("cpu_seconds"), "steps": info.get("steps"),
            "best_step": info.get("best_step"), **above}  # fmt: skip


def stopped_rows(results: Path) -> list[dict]:
    """The ``"stopped"`` rows: runs that early stopping ended, with the first rung they did not reach."""
    if not Path(results).exists():
        return []
    rows = [json.loads(line) for line in Path(results).read_text().splitlines() if line.strip()]
    return [r for r in rows if r.get("kind") == "stopped"]


def missing_floors(results: Path, corpora: Iterable[str]) -> list[str]:
    """The corpora whose floor row is not yet in ``results``."""
    floors = {json.loads(x)["corpus"] for x in results.read_text().splitlines() if '"kind": "floor"' in x} if results.exists() else set()  # noqa: E501
    return [corpus for corpus in corpora if corpus not in floors]


def run_of(row: dict) -> tuple:
    """(model, corpus, seed, variant): the run of a point or ``"stopped"`` row."""
    return (row["model"], row["corpus"], row["seed"], row.get("variant", ""))


def stopped_runs(results: Path) -> set[tuple]:
    """The runs (:func:`run_of`) with a ``"stopped"`` row in ``results``."""
    return {run_of(r) for r in stopped_rows(results)}


def point_row(point: Point, runs_dir: Path, excerpts: int) -> dict:
    """One rung of one run, resuming its checkpoint under ``runs_dir``: the ``"stopped"`` row where
    early stopping ended the run below this rung (every higher rung is that model), else the scored
    row (:func:`score_point`), with a copy of the rung's checkpoint kept beside the run's."""
    path = runs_dir / f"{point.run_name}.pt"
    stop = stopped_before(path, point.minutes, steps=point.rung_steps)
    if stop is not None:
        return {"kind": "stopped", "model": point.model, "corpus": point.corpus, "seed": point.seed,
                **({"variant": point.variant} if point.variant else {}), **stop}  # fmt: skip
    row = score_point(point, path, excerpts)
    shutil.copyfile(path, runs_dir / f"{point.run_name}-{point.rung}.pt")
    return row


def keep(row: dict, stops: set[tuple]) -> bool:
    """Whether ``row`` (from :func:`point_row`) is new: a run's ``"stopped"`` row is written once
    (``stops`` is updated), every point row is."""
    if row["kind"] != "stopped":
        return True
    if run_of(row) in stops:
        return False
    stops.add(run_of(row))
    return True


def run(results: Path, points: list[Point], *, runs_dir: Path, excerpts: int, corpora: Iterable[str]) -> Iterator[dict]:
    """Run every point not yet in ``results`` (floors first), appending each row as it finishes."""
    present = finished(results)
    for corpus in missing_floors(results, corpora):
        row = floor_row(corpus, excerpts)
        append_row(results, row)
        yield row
    stops = stopped_runs(results)
    for point in points:
        if point.key in present:
            continue
        row = point_row(point, runs_dir, excerpts)
        if keep(row, stops):
            append_row(results, row)
            yield row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m companion.returns", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="results file (JSON lines; appended, resumed)")
    parser.add_argument("--runs", type=Path, default=None,
                        help="run checkpoints, not committed (default runs/returns, runs/returns-fast with --fast)")
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS),
                        help="seeds to run (e.g. 0 alone first, to climb the ladder before the intervals)")
    parser.add_argument("--ladder", nargs="+", type=float, default=list(LADDER_MINUTES),
                        help=f"CPU-minute rungs (default {' '.join(f'{m:g}' for m in LADDER_MINUTES)}; "
                             f"add {EXTRA_RUNG} for a curve not flattened at 32)")
    parser.add_argument("--above-seed", type=int, default=0,
                        help=f"the one seed that climbs the rungs above {MULTI_SEED_MINUTES} CPU minutes (default 0)")
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="",
                        help="a named change to the recipe (see VARIANTS); write its rows to their own file")
    parser.add_argument("--ladder-steps", nargs="+", type=int, default=None, metavar="STEPS",
                        help="rungs as step counts instead of CPU minutes (also in place of --fast's): the same "
                             "rows on any machine, for tests; not a measurement of returns")
    parser.add_argument("--fast", action="store_true", help="two tiny rungs, one seed, 12 excerpts (a smoke run)")
    parser.add_argument("--excerpts", type=int, default=None,
                        help=f"generated (and real) excerpts per score (default {EXCERPTS}, 12 with --fast)")
    parser.add_argument("--cluster", metavar="ADDRESS", default=None,
                        help="run the sweep's runs in parallel on Ray (pip install companion[cluster]): a Ray "
                             "address (ray://host:10001, auto) or local:N for a local Ray instance of N workers; "
                             "without it, one point at a time here")
    args = parser.parse_args(argv)
    if args.fast:
        points = plan(args.models, args.corpora, ladder=(0.05, 0.1), seeds=(0,), variant=args.variant,
                      ladder_steps=args.ladder_steps)  # fmt: skip
        excerpts = 12
    else:
        points = plan(args.models, args.corpora, ladder=args.ladder, seeds=args.seeds, above_seed=args.above_seed,
                      variant=args.variant, ladder_steps=args.ladder_steps)  # fmt: skip
        excerpts = EXCERPTS
    excerpts = excerpts if args.excerpts is None else args.excerpts
    if args.runs is None:
        args.runs = Path("runs/returns-fast" if args.fast else "runs/returns")
    args.runs.mkdir(parents=True, exist_ok=True)
    if args.cluster is None:
        rows = run(args.out, points, runs_dir=args.runs, excerpts=excerpts, corpora=args.corpora)
    else:
        from . import cluster
        from .errors import ClusterError

        try:
            rows = cluster.run(args.out, points, runs_dir=args.runs, excerpts=excerpts, corpora=args.corpora,
                               address=args.cluster)  # fmt: skip
        except ClusterError as exc:
            parser.error(str(exc))
    for row in rows:
        what = row.get("model", "floor")
        if row["kind"] == "stopped":
            below = f"{row['above_minutes']:g}" if "above_minutes" in row else f"{row['above_steps']}-step"
            print(f"{what} {row['corpus']} seed {row['seed']}: stopped early at "
                  f"{row['train_cpu_seconds'] / 60:.1f} CPU min (best step {row['best_step']}), below the "
                  f"{below} rung", flush=True)  # fmt: skip
            continue
        acc = row["headline"]["accuracy"] if row["kind"] == "point" else row["headline"]["floor"]["accuracy"]
        rung = f"{row['rung_steps']} steps" if row.get("rung_steps") is not None else f"{row.get('minutes', '-')} min"
        print(f"{what} {row['corpus']} seed {row.get('seed', '-')} {rung}: accuracy {acc}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# ============================================================================ curves and floors
def read(results: Path) -> tuple[list[dict], dict[str, dict]]:
    """The point rows and the floor row of each corpus in a results file. A point written twice (two
    sweeps that ran the same run at once) counts once: its first line."""
    points, floors, seen = [], {}, set()
    for line in Path(results).read_text().splitlines():
        row = json.loads(line)
        if row["kind"] == "point":
            key = key_of(row)
            if key not in seen:
                seen.add(key)
                points.append(row)
        elif row["kind"] == "floor":
            floors[row["corpus"]] = row
    return points, floors


MIN_RUNGS = 4
"""Rungs a floor fit needs (three parameters and one degree of freedom)."""

SATURATED = 1.0
"""A headline whose interval reaches this at every point is saturated: the classifier cannot be
shown to miss the model at any rung, so the curve cannot show returns and no floor is fitted (a mean
of 0.99 with an interval up to 1.0 is saturated, not flattened)."""


def power_law(minutes, y_inf: float, a: float, b: float):
    """y(C) = y_inf + a * C^(-b), C in CPU minutes."""
    import numpy as np

    return y_inf + a * np.power(np.asarray(minutes, dtype=float), -b)


LOWER_BOUNDS = {"accuracy": 0.5, "nll": 0.0, "frechet": 0.0}
"""The lowest floor a fit may take: chance (0.5) for the classifier's accuracy, 0 for the others."""


def fit_floor(minutes, values, *, boots: int = 200, seed: int = 0, lower: float = 0.0) -> dict:
    """Fit :func:`power_law` to (CPU minutes, score) pairs (several seeds per rung allowed) by least
    squares with ``a >= 0`` and ``0 < b <= 3``; the floor ``y_inf``'s 95 % interval from a bootstrap
    that redraws, at every rung, that rung's scores with replacement (a rung with one seed keeps it).

    Returns ``{"y_inf", "a", "b", "y_inf_ci", "rungs", "fits"}``; ``y_inf`` None when fewer than
    :data:`MIN_RUNGS` rungs (three parameters through three rungs leave nothing to test the fit)."""
    import numpy as np
    from scipy.optimize import curve_fit

    minutes = np.asarray(minutes, dtype=float)
    values = np.asarray(values, dtype=float)
    rungs = np.unique(minutes)
    if len(rungs) < MIN_RUNGS:
        return {"y_inf": None, "a": None, "b": None, "y_inf_ci": None, "rungs": len(rungs), "fits": 0}

    def one(x, y):
        start = (max(float(y.min()), lower + 1e-6), max(float(y.max() - y.min()), 1e-3), 0.5)
        low, high = (lower, 0.0, 1e-3), (np.inf, np.inf, 3.0)  # no floor below the metric's bound
        params, _ = curve_fit(power_law, x, y, p0=start, bounds=(low, high), maxfev=20000)
        return params

    y_inf, a, b = one(minutes, values)
    rng = np.random.default_rng(seed)
    by_rung = [values[minutes == r] for r in rungs]
    floors = []
    for _ in range(boots):
        ys = np.concatenate([rng.choice(v, size=len(v), replace=True) for v in by_rung])
        xs = np.concatenate([np.full(len(v), r) for v, r in zip(by_rung, rungs)])
        try:
            floors.append(one(xs, ys)[0])
        except RuntimeError:  # no convergence on this resample: left out, and counted
            continue
    ci = [float(np.percentile(floors, 2.5)), float(np.percentile(floors, 97.5))] if floors else None
    return {"y_inf": float(y_inf), "a": float(a), "b": float(b), "y_inf_ci": ci, "rungs": len(rungs),
            "fits": len(floors), "boots": boots}  # fmt: skip


def flattening_minutes(fit: dict, resolution: float, top: float) -> dict:
    """The smallest rung of the doubling ladder (0.5 CPU minutes up) at which one more doubling gains
    less than ``resolution`` under the fitted curve (``a * C^-b * (1 - 2^-b) < resolution``), and
    whether that lies within the measured ladder (``top``)."""
    if fit.get("y_inf") is None:
        return {"minutes": None, "within_ladder": False, "resolution": resolution}
    a, b = fit["a"], fit["b"]
    minutes = 0.5
    while a * minutes ** (-b) * (1 - 2 ** (-b)) >= resolution and minutes < 2**20:
        minutes *= 2
    within = bool(minutes <= top)
    verdict = "flattened" if within else f"not flattened at the top rung ({top:g} CPU min)"
    return {"minutes": minutes, "within_ladder": within, "resolution": resolution, "verdict": verdict}


METRICS = {
    "accuracy": "yardstick headline: feature-classifier accuracy (0.5 = indistinguishable)",
    "nll": "validation NLL, nats per token of the model's own codec",
    "frechet": "Fréchet distance on the standardised feature vector",
}
"""What :func:`curves` can fit, and the units."""


def value_of(row: dict, metric: str) -> float:
    """One point's figure for ``metric`` (a key of :data:`METRICS`)."""
    if metric == "accuracy":
        return float(row["headline"]["accuracy"])
    if metric == "nll":
        return float(row["nll"]["nll_nats_per_token"])
    if metric == "frechet":
        return float(row["frechet"]["value"])
    raise ValueError(f"metric {metric!r}: choose one of {', '.join(METRICS)}")


def has_value(row: dict, metric: str) -> bool:
    """Whether a point has a figure for ``metric`` (the GAN families define no NLL)."""
    try:
        value_of(row, metric)
    except (KeyError, TypeError):
        return False
    return True


def curves(results: Path, metric: str = "accuracy") -> dict[str, dict]:
    """Per ``model:corpus``: the mean ``metric`` and its spread over seeds at each rung, the fitted
    floor with its interval, and the flattening budget. The resolution is the half-width of the
    corpus's noise-floor interval (real against real, same excerpt count) for the headline, and 0.01
    (nats per token, or Fréchet units) otherwise."""
    import numpy as np

    points, floors = read(results)
    points = [p for p in points if has_value(p, metric)]  # a model without a likelihood has no NLL curve
    out = {}
    for key in sorted({f"{p['model']}:{p['corpus']}" for p in points}):
        model, corpus = key.split(":")
        rows = [p for p in points if p["model"] == model and p["corpus"] == corpus]
        minutes = np.array([r["minutes"] for r in rows], dtype=float)
        values = np.array([value_of(r, metric) for r in rows], dtype=float)
        ladder = {}
        for rung in sorted(set(minutes.tolist())):
            v = values[minutes == rung]
            ladder[f"{rung:g}"] = {"mean": float(v.mean()), "min": float(v.min()), "max": float(v.max()),
                                   "seeds": int(len(v))}  # fmt: skip
        floor = floors.get(corpus, {}).get("headline", {}).get("floor")
        resolution = 0.01
        if metric == "accuracy":
            resolution = (floor["ci"][1] - floor["ci"][0]) / 2 if floor and floor.get("ci") else 0.05
        saturated = metric == "accuracy" and all((r["headline"].get("ci") or [0, r["headline"]["accuracy"]])[1]
                                                 >= SATURATED for r in rows)  # fmt: skip
        fit = fit_floor(minutes, values, lower=LOWER_BOUNDS[metric]) if not saturated else fit_floor([], [])
        flattening = flattening_minutes(fit, resolution, float(minutes.max()))
        at_bound = fit.get("y_inf") is not None and (fit["y_inf"] <= LOWER_BOUNDS[metric] + 1e-6 or (
            fit.get("y_inf_ci") is not None and fit["y_inf_ci"][0] <= LOWER_BOUNDS[metric] + 1e-6))
        if at_bound and not saturated:
            fit["at_bound"] = True
            verdict = (f"no floor pinned (the fit's floor interval reaches the bound {LOWER_BOUNDS[metric]:g}): "
                       "not shown to flatten within the ladder")
            flattening.update({"within_ladder": False, "minutes": None, "verdict": verdict})
        if saturated:
            flattening["verdict"] = "saturated: every point's interval reaches accuracy 1.0, no returns to read"
        elif fit["y_inf"] is None:
            flattening["verdict"] = f"too few rungs ({fit['rungs']} < {MIN_RUNGS}) to fit a floor"
        out[key] = {"metric": METRICS[metric], "ladder": ladder, "fit": fit, "noise_floor": floor,
                    "saturated": saturated, "flattening": flattening}  # fmt: skip
    return out
