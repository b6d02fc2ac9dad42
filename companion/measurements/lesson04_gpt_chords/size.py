"""Returns per parameter: validation NLL of ``gpt-chords`` on JSB against model size, at one fixed budget.

Every model gets the same budget -- the same optimiser steps on the same batches (same seed), so the
same training tokens -- and the same recipe; only the width changes (``d_model``, with ``d_ff = 4 *
d_model``, 3 blocks). Early stopping on the validation split keeps each model's best weights, so a
big model that overfits is not punished for it. The NLL is the honest one, in nats per quarter-note
frame on the standard validation split, unseen frames included (:func:`companion.likelihood.frame_nll`).

Regenerate ``results/gpt_chords_size.json`` with::

    python -m companion.measurements.lesson04_gpt_chords.size            # 4 sizes, about 25 CPU-minutes
    python -m companion.measurements.lesson04_gpt_chords.size --fast     # 2 small sizes, 60 steps: a smoke test

Used by notebook 04_gpt_chords (which re-runs the smallest point live with :func:`run_point`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from ... import zoo
from ...data import load_corpus
from ...likelihood import frame_nll
from .. import RESULTS, provenance, write_result

NAME = "gpt_chords_size"

WIDTHS = (32, 64, 128, 256)
STEPS = 800
LM = {"batch_size": 16, "eval_every": 50, "patience": 6}


def size_config(width: int) -> dict:
    """The GPT and LM settings of one point (only the width changes)."""
    heads = 2 if width < 64 else 4 if width < 256 else 8
    return {"gpt": {"d_model": width, "d_ff": 4 * width, "num_heads": heads, "num_layers": 3}, "lm": dict(LM)}


def run_point(corpus, width: int, *, steps: int = STEPS, seed: int = 0, show_progress: bool = False) -> dict:
    """Train one width on ``corpus`` (JSB) for ``steps`` steps; its parameters, wall time and valid NLL."""
    started = time.perf_counter()
    ckpt = zoo.train("gpt-chords", corpus, steps=steps, seed=seed, overrides=size_config(width),
                     show_progress=show_progress, recipe=None)  # fmt: skip
    loaded = zoo.loaded(ckpt)
    net, codec = loaded.network, loaded.codec
    valid = frame_nll(net, codec, corpus.frames["valid"])
    return {
        "d_model": width,
        "parameters": net.num_parameters(),
        "steps": ckpt["train"]["steps"],
        "best_step": ckpt["train"]["best_step"],
        "tokens_seen": ckpt["train"]["tokens_seen"],
        "valid_nll_nats_per_frame": round(valid["nll_nats_per_frame"], 4),
        "valid_unseen_nats_per_frame": round(valid["unseen_nats_per_frame"], 4),
        "valid_nll_nats_per_token": round(valid["nll_nats_per_token"], 4),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="two small widths, 60 steps (a smoke test)")
    parser.add_argument("--path", help="another JSB-format file (default: the shipped JSB Chorales)")
    parser.add_argument("--out", default=str(RESULTS / f"{NAME}.json"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    widths, steps = ((32, 64), 60) if args.fast else (WIDTHS, STEPS)
    corpus = load_corpus("jsb", path=args.path)
    started = time.perf_counter()
    points = []
    for width in widths:
        points.append(run_point(corpus, width, steps=steps))
        print(json.dumps(points[-1]), flush=True)
    result = {
        **provenance(NAME, fast=args.fast, started=started),
        "corpus": "jsb (standard split; valid = 76 pieces, 4,602 frames)",
        "budget": {"steps": steps, **LM, "seed": 0},
        "unit": "nats per quarter-note frame, validation split, unseen frames included",
        "points": points,
    }
    return write_result(args.out, result)


if __name__ == "__main__":
    main()
