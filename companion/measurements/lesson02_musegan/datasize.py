"""MuseGAN's data hunger: the gap between generated and real music after training ``musegan-hybrid``
on jazz corpora of 375, 750, 1,500 and 3,000 bars, with the same number of steps.

Each point is ``load_corpus("jazz", num_bars=N)``: the procedural jazz corpus cut to N bars
(the pieces do not depend on N, only how many there are), trained on its train split (about 80 % of
N, by piece) for the same steps, seed and settings as the shipped checkpoint. Every point is
measured against the same reference: the test split of the standard 3,000-bar corpus, with
the family's ``diagnostics`` (:func:`companion.pipelines.musegan.diagnostics`, reached through
:func:`companion.zoo.loaded`; 1,000 generated bars per point, read with the shipped
decoding rule), and the copy rate against the point's own training bars. The *gap* of a metric is
``|generated - real|``. The 3,000-bar point is the shipped ``musegan-hybrid-jazz`` recipe: when that
checkpoint is present and matches, it is measured instead of trained again.

Regenerate ``results/musegan_datasize.json`` with::

    python -m companion.measurements.lesson02_musegan.datasize          # 3 trainings (+ the shipped one), ~15 CPU-min
    python -m companion.measurements.lesson02_musegan.datasize --fast   # 2 points, 20 steps (a smoke test)

Checkpoints of each point are kept in ``--work`` (default: a folder in the temp dir) and resumed, so
an interrupted run continues where it stopped. Used by notebook 02_musegan (which plots the JSON and
re-runs the smallest point live with :func:`run_point`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import torch

from ... import recipes, zoo
from ...data import Corpus, load_corpus
from .. import RESULTS, provenance, write_result

NAME = "musegan_datasize"
SIZES = (375, 750, 1500, 3000)
MODEL = "musegan-hybrid"
RECIPE = recipes.recipe(MODEL, "jazz")
STEPS = RECIPE["steps"]
EARLY_STEPS = 200
"""Each trained point is also measured after this many steps (the notebook re-runs the smallest point live
to here and gets the same numbers)."""
EVAL_BARS = 1000
GAP_KEYS = (
    "QN_mean",
    "UPC_mean",
    "EB_mean",
    "TD_mean",
    "DP",
    "chord_tone_rate",
    "register_adherence_mean",
    "diversity",
)


def reference_corpus() -> Corpus:
    """The standard 3,000-bar jazz corpus: its test split is every point's reference."""
    return load_corpus("jazz")


def measure(checkpoint: dict, corpus: Corpus, reference: Corpus, *, seed: int = 0, eval_bars: int = EVAL_BARS) -> dict:
    """:data:`GAP_KEYS` of ``checkpoint``'s music and of the reference's test split, their gaps, the
    copy rate against ``corpus``'s training songs and QN per track."""
    measured = Corpus("jazz", {"train": corpus.train, "valid": [], "test": reference.test}, source=corpus.source)
    loaded = zoo.loaded(checkpoint)
    result = loaded.family.diagnostics(loaded, measured, split="test", seed=seed, bars=eval_bars)
    generated = {k: result["generated"].get(k) for k in GAP_KEYS}
    real = {k: result["real"].get(k) for k in GAP_KEYS}
    gap = {
        k: None if generated[k] is None or real[k] is None else round(abs(generated[k] - real[k]), 4) for k in GAP_KEYS
    }
    return {
        "steps": checkpoint["train"]["steps"],
        "generated": generated,
        "real": real,
        "gap": gap,
        "copy_rate": result["generated"].get("copy_rate"),
        "QN": result["generated"]["QN"],
        "QN_threshold": result["generated_threshold"]["QN_mean"],
    }


def run_point(
    bars: int,
    *,
    steps: int = STEPS,
    early: int | None = EARLY_STEPS,
    seed: int = 0,
    reference: Corpus | None = None,
    eval_bars: int = EVAL_BARS,
    out: str | Path | None = None,
    show_progress: bool | None = False,
) -> dict:
    """Train the hybrid on a jazz corpus of ``bars`` bars and measure it against the reference,
    after ``early`` steps (when fewer than ``steps``) and after ``steps``.

    Returns:
        ``corpus_bars``, ``train_bars``, ``train_phrases``, ``wall_seconds``, ``checkpoint``, the
        final :func:`measure` fields (``steps``, ``generated``, ``real``, ``gap``, ``copy_rate`` ...)
        and ``early``: the same after ``early`` steps (None for a reused shipped checkpoint).
    """
    from .binarize import shipped_if_same

    reference = reference if reference is not None else reference_corpus()
    corpus = load_corpus("jazz", num_bars=bars, seed=seed)
    checkpoint = shipped_if_same({}, steps, seed) if bars == 3000 else None  # the standard corpus: shipped
    reused = checkpoint is not None
    measured_early = None
    if checkpoint is None:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(out) if out is not None else Path(scratch) / "point.pt"
            if early and early < steps:
                # resuming is exact, so stopping at the early stage changes nothing in the final model;
                # the early checkpoint is kept beside ``out`` so a re-run measures the same model
                early_path = path.with_name(f"{path.stem}-step{early}.pt")
                if early_path.exists():
                    early_checkpoint = zoo.load(early_path)
                else:
                    early_checkpoint = zoo.train(MODEL, corpus, steps=early, seed=seed, out=path, resume=True,
                                                 show_progress=show_progress)  # fmt: skip
                    shutil.copyfile(path, early_path)
                measured_early = measure(early_checkpoint, corpus, reference, seed=seed, eval_bars=eval_bars)
            checkpoint = zoo.train(MODEL, corpus, steps=steps, seed=seed, out=path, resume=True,
                                   show_progress=show_progress)  # fmt: skip
    return {
        "corpus_bars": bars,
        "train_bars": checkpoint["train"]["train_bars"],
        "train_phrases": checkpoint["train"]["train_phrases"],
        "wall_seconds": checkpoint["train"]["wall_seconds"],
        "checkpoint": f"shipped {MODEL}-jazz" if reused else "trained here",
        **measure(checkpoint, corpus, reference, seed=seed, eval_bars=eval_bars),
        "early": measured_early,
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="two points, 20 steps, 200 bars (a smoke test)")
    parser.add_argument("--out", help=f"the JSON (default results/{NAME}.json; --fast: in the temp dir)")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / NAME), help="checkpoints, for resuming")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    sizes, steps, early, eval_bars = ((375, 750), 20, 10, 200) if args.fast else (SIZES, STEPS, EARLY_STEPS, EVAL_BARS)
    work = Path(args.work) / ("fast" if args.fast else "full")
    out = Path(args.out) if args.out else (work / f"{NAME}.json" if args.fast else RESULTS / f"{NAME}.json")
    reference = reference_corpus()
    started = time.perf_counter()
    points = []
    for bars in sizes:
        out_path = work / f"{MODEL}-jazz-{bars}.pt"
        points.append(run_point(bars, steps=steps, early=early, reference=reference, eval_bars=eval_bars, out=out_path))
        print(json.dumps({k: points[-1][k] for k in ("corpus_bars", "train_bars", "gap", "copy_rate")}), flush=True)
    result = {
        **provenance(NAME, fast=args.fast, started=started),
        "model": MODEL,
        "budget": {"steps": steps, "early_steps": early, "batch_size": RECIPE["batch_size"], "seed": 0},
        "reference": "test split of the standard 3,000-bar jazz corpus, cut into 4-bar phrases",
        "generated_bars_per_point": eval_bars,
        "gap": "|generated - real| of each metric (QN, EB in %; UPC a count; others 0..1 or a distance)",
        "points": points,
    }
    return write_result(out, result)


if __name__ == "__main__":
    main()
