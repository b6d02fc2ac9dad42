"""Where the event-token transformer's own returns diminish on JSB: validation NLL against model size
and against training-data size, at one fixed budget.

Every point gets the same recipe and the same number of optimiser steps on batches drawn with the same
seed (so the same number of training tokens); early stopping on the validation split keeps each run's
best weights, so a model that overfits is not punished for it. Two sweeps share the middle point:

* **size**: ``d_model`` 32, 64, 128 (``d_ff = 4 * d_model``, 3 blocks, 4 heads) on the whole train split;
* **data**: the middle size on 1/8, 1/4, 1/2 and all of the 229 training chorales (a seeded choice of
  pieces), no transposition, so "data" means distinct chorales.

The NLL is exact: nats per quarter-note frame on the 76 validation chorales, scored with windows no
longer than the training context (:func:`companion.likelihood.frame_nll`).

Regenerate ``results/gpt_events_scaling.json`` with::

    python -m companion.measurements.lesson05_event_tokens.scaling           # 6 runs, ~15 CPU-minutes
    python -m companion.measurements.lesson05_event_tokens.scaling --fast    # 2 tiny runs of 15 steps: a smoke test

Used by notebook 05_event_tokens.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from ... import zoo
from ...data import Corpus, load_corpus
from ...likelihood import frame_nll
from .. import RESULTS, provenance, write_result
from .common import threads, train_point

NAME = "gpt_events_scaling"
STEPS = 500
WIDTHS = (32, 64, 128)
FRACTIONS = (0.125, 0.25, 0.5, 1.0)
DATA_WIDTH = 64
LM = {"batch_size": 32, "context": 128, "lr": 3e-3, "warmup": 50, "weight_decay": 0.01, "eval_every": 50,
      "patience": 100, "track_train": False}  # fmt: skip


def config(width: int) -> dict:
    """GPT and LM settings of one point (only the width changes; no transposition)."""
    gpt = {"max_len": 128, "d_model": width, "d_ff": 4 * width, "num_heads": 4, "num_layers": 3, "dropout": 0.1}
    return {"gpt": gpt, "lm": dict(LM), "augment_transpose": 0}


def subset(corpus: Corpus, fraction: float, seed: int = 0) -> Corpus:
    """The JSB corpus with a seeded ``fraction`` of its training pieces (valid and test unchanged)."""
    train = corpus.frames["train"]
    keep = sorted(np.random.default_rng(seed).permutation(len(train))[: max(1, round(fraction * len(train)))])
    frames = {**corpus.frames, "train": [train[i] for i in keep]}
    splits = {**corpus.splits, "train": [corpus.splits["train"][i] for i in keep]}
    return Corpus(corpus.name, splits, frames=frames, source=corpus.source)


def run_point(corpus: Corpus, width: int, fraction: float, *, steps: int = STEPS, seed: int = 0) -> dict:
    """Train one point; its size, data, budget and validation NLL per frame."""
    data = subset(corpus, fraction) if fraction < 1 else corpus
    ckpt = train_point(data, config(width), steps=steps, seed=seed)
    loaded = zoo.loaded(ckpt)
    net, codec = loaded.network, loaded.codec
    valid = frame_nll(net, codec, corpus.frames["valid"])
    return {
        "d_model": width,
        "parameters": net.num_parameters(),
        "train_fraction": fraction,
        "train_pieces": len(data.frames["train"]),
        "train_frames": int(sum(len(f) for f in data.frames["train"])),
        "train_tokens": ckpt["train"]["train_tokens"],
        "steps": ckpt["train"]["steps"],
        "best_step": ckpt["train"]["best_step"],
        "tokens_seen": ckpt["train"]["tokens_seen"],
        "cpu_seconds": ckpt["train"]["cpu_seconds"],
        "valid_nll_nats_per_frame": round(valid["nll_nats_per_frame"], 4),
        "valid_nll_nats_per_token": round(valid["nll_nats_per_token"], 4),
        "history": [
            {"step": h["step"], "valid_nll_nats_per_token": round(h["valid_nll"], 4)}
            for h in ckpt["train"]["history"]
            if "valid_nll" in h
        ],
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="two tiny runs of 15 steps (a smoke test)")
    parser.add_argument("--path", help="another JSB-format file (default: the shipped JSB Chorales)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.perf_counter()
    corpus = load_corpus("jsb", path=args.path)
    steps = 15 if args.fast else STEPS
    widths, fractions = ((32,), (0.25, 1.0)) if args.fast else (WIDTHS, FRACTIONS)
    data_width = widths[0] if args.fast else DATA_WIDTH
    runs = [(w, 1.0) for w in widths] + [(data_width, f) for f in fractions if f < 1]
    points = []
    for width, fraction in runs:
        points.append(run_point(corpus, width, fraction, steps=steps))
        print(json.dumps({k: v for k, v in points[-1].items() if k != "history"}), flush=True)
    data = {
        "corpus": "jsb (standard split; valid = 76 pieces, 4,602 frames)",
        "unit": "nats per quarter-note frame, validation split (exact: no unseen frames)",
        "budget": {"steps": steps, **LM, "seed": 0, "augment_transpose": 0},
        "size": sorted((p for p in points if p["train_fraction"] == 1.0), key=lambda p: p["parameters"]),
        "data": sorted((p for p in points if p["d_model"] == data_width), key=lambda p: p["train_fraction"]),
    }
    result = {**provenance(NAME, fast=args.fast, started=started, threads=threads()), **data}
    return write_result(args.out or RESULTS / f"{NAME}.json", result)


if __name__ == "__main__":
    main()
