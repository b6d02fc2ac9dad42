"""The recipe pilot behind ``companion/recipes/gpt-events-polyphonic.json``: two configurations of
gpt-events on JSB, each trained for 300 s of wall time on one thread, compared on JSB's VALIDATION
split only (nats per token). It prints one JSON line per configuration and asserts nothing.

    python benchmarks/pilot_polyphonic.py ctx128_L3_aug3
    python benchmarks/pilot_polyphonic.py ctx256_L4_aug3

The figures of the run that chose the recipe are in ``results/polyphonic_recipe_pilot.json``.
"""

import json
import sys
import time

import torch

from companion.data import load_corpus
from companion.pipelines import gpt as pipeline
from companion.train import UNLIMITED_STEPS

_LM = {"batch_size": 32, "lr": 3e-3, "warmup": 100, "weight_decay": 0.01, "eval_tokens": 40000, "patience": None,
       "track_train": False}  # fmt: skip
CONFIGS = {
    "ctx128_L3_aug3": {
        "augment_transpose": 3,
        "gpt": {"max_len": 128, "d_model": 128, "num_heads": 4, "num_layers": 3, "d_ff": 512, "dropout": 0.1},
        "lm": {**_LM, "context": 128, "eval_every": 100},
    },
    "ctx256_L4_aug3": {
        "augment_transpose": 3,
        "gpt": {"max_len": 256, "d_model": 128, "num_heads": 4, "num_layers": 4, "d_ff": 512, "dropout": 0.1},
        "lm": {**_LM, "context": 256, "eval_every": 50},
    },
}


def main(name: str) -> None:
    torch.set_num_threads(1)
    corpus = load_corpus("jsb")
    cpu = time.process_time()
    ckpt = pipeline.train(
        "gpt-events", corpus, steps=UNLIMITED_STEPS, max_seconds=300, config=CONFIGS[name], show_progress=False
    )
    info = ckpt["train"]
    print(json.dumps({
        "config": name, "cpu_seconds": round(time.process_time() - cpu, 1), "steps": info["steps"],
        "best_valid_nll_per_token": info["best_valid_nll_per_token"], "best_step": info["best_step"],
        "history": [{k: h.get(k) for k in ("step", "seconds", "valid_nll")} for h in info["history"]],
    }))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1])
