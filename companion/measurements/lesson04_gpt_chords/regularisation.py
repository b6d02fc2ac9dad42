"""Overfitting of ``gpt-chords`` on JSB, and what dropout, decoupled weight decay and an L2 penalty do.

Five runs of the same model on the same batches (same seed), no early stopping, evaluated every 30
steps on the validation split and on as many training pieces (both in eval mode, nats per token):

* ``none``: no dropout, no decay -- the overfitting baseline;
* ``dropout 0.3``;
* ``AdamW 0.1``: decoupled weight decay 0.1 (Loshchilov & Hutter 2019);
* ``Adam + L2 0.1``: the same coefficient as a penalty ``0.1 / 2 * ||w||^2`` added to the loss --
  what the seed called "L2 penalties", and what ``torch.optim.Adam(weight_decay=...)`` does;
* ``Adam + L2 0.001``: a hundred times weaker penalty.

Under SGD the L2 penalty and weight decay are the same thing; under Adam they are not: the
penalty's gradient is divided by Adam's running gradient scale, so rarely-updated weights (the
embeddings of rare pitch sets) are pulled to zero much harder than often-updated ones.

Regenerate ``results/gpt_chords_regularisation.json`` with::

    python -m companion.measurements.lesson04_gpt_chords.regularisation          # 5 x 600 steps, about 15 CPU-minutes
    python -m companion.measurements.lesson04_gpt_chords.regularisation --fast   # 40 steps per run (smoke test)

Used by notebook 04_gpt_chords (which re-runs one setting live with :func:`run_setting`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from ... import zoo
from ...data import load_corpus
from .. import RESULTS, provenance, write_result

NAME = "gpt_chords_regularisation"
STEPS = 600
BASE = {
    "gpt": {"d_model": 64, "d_ff": 256, "num_heads": 4, "num_layers": 3},
    "lm": {"batch_size": 16, "eval_every": 30, "patience": None, "warmup": 50, "min_lr_ratio": 1.0},
}
SETTINGS: dict[str, dict] = {
    "none": {"dropout": 0.0, "regularisation": "decoupled", "weight_decay": 0.0},
    "dropout 0.3": {"dropout": 0.3, "regularisation": "decoupled", "weight_decay": 0.0},
    "AdamW 0.1": {"dropout": 0.0, "regularisation": "decoupled", "weight_decay": 0.1},
    "Adam + L2 0.1": {"dropout": 0.0, "regularisation": "l2", "weight_decay": 0.1},
    "Adam + L2 0.001": {"dropout": 0.0, "regularisation": "l2", "weight_decay": 0.001},
}


def setting_config(name: str) -> dict:
    """Pipeline overrides of one setting (constant learning rate after warm-up, no early stopping)."""
    s = SETTINGS[name]
    return {
        "gpt": {**BASE["gpt"], "dropout": s["dropout"]},
        "lm": {**BASE["lm"], "regularisation": s["regularisation"], "weight_decay": s["weight_decay"]},
    }


def run_setting(corpus, name: str, *, steps: int = STEPS, seed: int = 0, show_progress: bool = False) -> dict:
    """Train one setting; its curves (step, train NLL, valid NLL per token) and the weights' norms."""
    started = time.perf_counter()
    ckpt = zoo.train("gpt-chords", corpus, steps=steps, seed=seed, overrides=setting_config(name),
                     show_progress=show_progress, recipe=None)  # fmt: skip
    final = ckpt["optimizer"]["current_state"]  # the weights at the end, not the best ones
    embed = final["embed.weight"]
    history = ckpt["train"]["history"]
    return {
        "setting": name,
        **SETTINGS[name],
        "steps": [h["step"] for h in history],
        "train_nll": [round(h["train_nll"], 4) for h in history],
        "valid_nll": [round(h["valid_nll"], 4) for h in history],
        "best_valid_nll": round(min(h["valid_nll"] for h in history), 4),
        "best_step": history[min(range(len(history)), key=lambda i: history[i]["valid_nll"])]["step"],
        "final_gap": round(history[-1]["valid_nll"] - history[-1]["train_nll"], 4),
        "weight_norm": round(
            float(
                torch.sqrt(sum((v.float() ** 2).sum() for k, v in final.items() if v.dim() >= 2 and k != "positional"))
            ),
            3,
        ),  # fmt: skip
        "embedding_norm_rare": round(float(embed[-500:].norm(dim=1).mean()), 4),
        "embedding_norm_frequent": round(float(embed[4:104].norm(dim=1).mean()), 4),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="40 steps per run (a smoke test)")
    parser.add_argument("--path", help="another JSB-format file (default: the shipped JSB Chorales)")
    parser.add_argument("--out", default=str(RESULTS / f"{NAME}.json"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    steps = 40 if args.fast else STEPS
    corpus = load_corpus("jsb", path=args.path)
    started = time.perf_counter()
    runs = []
    for name in SETTINGS:
        runs.append(run_setting(corpus, name, steps=steps))
        print(json.dumps({k: v for k, v in runs[-1].items() if not isinstance(v, list)}), flush=True)
    result = {
        **provenance(NAME, fast=args.fast, started=started),
        "corpus": "jsb (standard split)",
        "unit": "nats per token (= per frame for seen frames; EOS included), eval mode",
        "budget": {"steps": steps, **BASE, "seed": 0},
        "embedding_rows": "rare = the 500 least frequent pitch sets of train; frequent = the 100 most frequent",
        "runs": runs,
    }
    return write_result(args.out, result)


if __name__ == "__main__":
    main()
