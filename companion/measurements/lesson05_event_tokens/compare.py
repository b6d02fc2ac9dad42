"""Lesson 05 beside lesson 04: the shipped ``gpt-events`` and ``gpt-chords`` checkpoints on the same
data, scored by the same code.

For each corpus (``jsb``, ``bach``, ``jazz``) and each model whose checkpoint is shipped, this runs the
zoo's ``evaluate`` (:func:`companion.zoo.evaluate`, the one measurement of every family) on the test
split (the likelihood, and the shared metrics of 16 generated 8-bar songs with the copy rate against
the training split) and adds what the two representations allow to compare fairly:

* on ``jsb``: the exact test NLL in nats per quarter-note frame (lesson 04 pays for unseen frames with
  its fall-back; the event serialisation has none);
* chord-tone rate against *recognised* chords for both models (the template recogniser of
  :func:`companion.metrics.recognise_chords`), and for ``gpt-events`` also against the chords it wrote
  itself (its Chord tokens): does the music follow the harmony it declared?
* register adherence per jazz part (lesson 04 merges the parts into one track, so it has none);
* the training budget of each checkpoint (``parameters``: every number of its state, the fixed positional
  table included; steps, tokens seen, wall time);
* the same measurements on real test music (``"data"``), as the target.

Regenerate ``results/gpt_events_compare.json`` with::

    python -m companion.measurements.lesson05_event_tokens.compare           # every shipped checkpoint of both lessons
    python -m companion.measurements.lesson05_event_tokens.compare --fast    # 4 songs of 4 bars: a smoke test

Used by notebooks 05_event_tokens and 06_diminishing_returns.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from ... import metrics, zoo
from ...data import load_corpus
from ...theory import JAZZ_REGISTERS
from .. import RESULTS, provenance, write_result
from .common import threads

NAME = "gpt_events_compare"
MODELS = ("gpt-chords", "gpt-events")
CORPORA = ("jsb", "bach", "jazz")


def budget(ckpt: dict) -> dict:
    """What a checkpoint cost to train (from its own ``train`` record)."""
    info = ckpt["train"]
    gpt = ckpt["config"]["gpt"]
    return {
        "parameters": sum(v.numel() for v in ckpt["state"].values() if v.is_floating_point()),
        "d_model": gpt["d_model"],
        "num_layers": gpt["num_layers"],
        "context": gpt["max_len"],
        "steps": info.get("steps"),
        "tokens_seen": info.get("tokens_seen"),
        "wall_seconds": info.get("wall_seconds"),
        "augment_transpose": info.get("augment_transpose"),
    }


def score(model: str, corpus, *, num_songs: int, bars: int) -> dict | None:
    """Evaluate one shipped checkpoint on ``corpus``'s test split; None when it is not shipped."""
    path = zoo.shipped_path(model, corpus.name)
    if not path.exists():
        return None
    ckpt = zoo.load(path)
    result = zoo.evaluate(ckpt, corpus, split="test", songs=num_songs, bars=bars)
    songs = zoo.sample(ckpt, num_songs, bars=bars, seed=0)
    recognised = [metrics.chord_tone_rate(s) for s in songs if s.num_notes]
    own = [metrics.chord_tone_rate(s, s.chords) for s in songs if s.chords and s.num_notes]
    row = {
        "budget": budget(ckpt),
        "nll_nats_per_frame": result.get("nll_nats_per_frame"),
        "unseen_frame_share": result.get("unseen_frame_share"),
        "unseen_nats_per_frame": result.get("unseen_nats_per_frame"),
        "nll_nats_per_token": result.get("nll_nats_per_token"),
        "generated": result["generated"],
        "chord_tone_rate_recognised": round(sum(recognised) / len(recognised), 4) if recognised else None,
        "chord_tone_rate_own_chords": round(sum(own) / len(own), 4) if own else None,
    }
    return row


def reference(corpus, *, num_songs: int, bars: int) -> dict:
    """The same measurements on real music: the first ``bars`` bars of test songs (cycled to
    ``num_songs``), so the generated figures have a target."""
    test = [s for s in corpus.test if s.num_notes]
    songs = [test[i % len(test)].crop(0, bars * test[i % len(test)].ticks_per_bar) for i in range(num_songs)]
    registers = JAZZ_REGISTERS if corpus.name == "jazz" else None
    recognised = [metrics.chord_tone_rate(s) for s in songs if s.num_notes]
    own = [metrics.chord_tone_rate(s, s.chords) for s in songs if s.chords and s.num_notes]
    return {
        "generated": metrics.corpus_metrics(songs, registers=registers),
        "chord_tone_rate_recognised": round(sum(recognised) / len(recognised), 4) if recognised else None,
        "chord_tone_rate_own_chords": round(sum(own) / len(own), 4) if own else None,
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="4 songs of 4 bars (a smoke test)")
    parser.add_argument("--path", help="another JSB-format file (default: the shipped JSB Chorales)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.perf_counter()
    num_songs, bars = (4, 4) if args.fast else (16, 8)
    rows = {}
    for name in CORPORA:
        corpus = load_corpus(name, path=args.path if name == "jsb" else None)
        rows[name] = {model: score(model, corpus, num_songs=num_songs, bars=bars) for model in MODELS}
        rows[name]["data"] = reference(corpus, num_songs=num_songs, bars=bars)
        print(json.dumps({name: {m: r and r.get("nll_nats_per_frame") for m, r in rows[name].items()}}), flush=True)
    data = {"split": "test", "generated": {"songs": num_songs, "bars": bars, "seed": 0}, "corpora": rows}
    result = {**provenance(NAME, fast=args.fast, started=started, threads=threads()), **data}
    return write_result(args.out or RESULTS / f"{NAME}.json", result)


if __name__ == "__main__":
    main()
