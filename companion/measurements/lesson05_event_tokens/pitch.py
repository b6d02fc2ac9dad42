"""Pitch as Octave + PitchClass, or as Octave + chord-relative degree? The same transformer, the same
budget, on the two corpora with chords: ``jazz`` (ground-truth chord labels) and ``bach`` (chords from
the template recogniser).

Both spellings have exactly the same tokens per song (only the meaning of the 12 pitch tokens changes),
so their validation NLLs per token -- and per note -- compare directly. Lesson 05 keeps the spelling
with the lower NLL as the codec's default.

Regenerate ``results/gpt_events_pitch.json`` with::

    python -m companion.measurements.lesson05_event_tokens.pitch           # 2 corpora x 2 spellings, ~10 CPU-minutes
    python -m companion.measurements.lesson05_event_tokens.pitch --fast    # 20 steps: a smoke test

Used by notebook 05_event_tokens.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from ... import zoo
from ...data import load_corpus
from ...likelihood import sequence_nll
from .. import RESULTS, provenance, write_result
from .common import threads, train_point

NAME = "gpt_events_pitch"
STEPS = 150
CONFIG = {
    "gpt": {"max_len": 256, "d_model": 96, "num_heads": 4, "num_layers": 2, "d_ff": 384, "dropout": 0.1},
    "lm": {"batch_size": 8, "context": 256, "lr": 2e-3, "warmup": 20, "eval_every": 50, "eval_tokens": 10000,
           "patience": 100, "track_train": False},
}  # fmt: skip


def run_point(corpus, pitch: str, *, steps: int = STEPS, seed: int = 0) -> dict:
    """Train one spelling; its validation NLL per token and per note (all valid songs, windows <= context)."""
    ckpt = train_point(corpus, CONFIG, steps=steps, seed=seed, codec={"pitch": pitch})
    loaded = zoo.loaded(ckpt)
    net, codec = loaded.network, loaded.codec
    valid = sequence_nll(net, [codec.encode(s) for s in corpus.valid])
    notes = sum(s.num_notes for s in corpus.valid)
    return {
        "corpus": corpus.name,
        "pitch": pitch,
        "steps": ckpt["train"]["steps"],
        "cpu_seconds": ckpt["train"]["cpu_seconds"],
        "valid_tokens": valid["tokens"],
        "valid_notes": notes,
        "valid_nll_nats_per_token": round(valid["nll_nats_per_token"], 4),
        "valid_nll_nats_per_note": round(valid["nll_nats_per_token"] * valid["tokens"] / notes, 4),
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="20 steps (a smoke test)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.perf_counter()
    steps = 20 if args.fast else STEPS
    points = []
    for name in ("jazz", "bach"):
        corpus = load_corpus(name)
        for pitch in ("absolute", "degree"):
            points.append(run_point(corpus, pitch, steps=steps))
            print(json.dumps(points[-1]), flush=True)
    best = {}
    for name in ("jazz", "bach"):
        rows = [p for p in points if p["corpus"] == name]
        best[name] = min(rows, key=lambda p: p["valid_nll_nats_per_token"])["pitch"]
    data = {"budget": {"steps": steps, **CONFIG, "seed": 0}, "points": points, "better": best}
    result = {**provenance(NAME, fast=args.fast, started=started, threads=threads()), **data}
    return write_result(args.out or RESULTS / f"{NAME}.json", result)


if __name__ == "__main__":
    main()
