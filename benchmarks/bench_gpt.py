"""Benchmark of lesson 04's GPT (:mod:`companion.models.gpt` with the LM trainer of
:mod:`companion.train.lm`): training throughput in tokens per second and the time to generate 8 bars.

Run from the repository root::

    python benchmarks/bench_gpt.py            # jsb, bach and jazz at their default model sizes
    python benchmarks/bench_gpt.py --quick    # fewer steps and repeats
    python benchmarks/bench_gpt.py --threads 2

For each corpus it builds the default ``gpt-chords`` model of :data:`companion.pipelines.gpt.DEFAULTS`
(untrained: speed does not depend on the weights) on that corpus's real tokens, then measures

* training: ``--steps`` optimiser steps (after 3 warm-up steps) of the real trainer's batches;
  "tokens/s" counts the target tokens the loss sees (padding excluded), "positions/s" every position
  the network computes (padding included);
* generation: one 8-bar song through :func:`companion.pipelines.gpt.generate` from the shipped
  checkpoint when there is one (else the untrained default model), the median of ``--repeats`` runs,
  decoding and cropping included. The goal is <= 1 s.

A script, not a test: it prints figures and asserts nothing about time. Times are wall-clock
(``time.perf_counter``). The machine is often shared: the header prints the load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

try:
    import companion  # noqa: F401
except ModuleNotFoundError:  # a checkout without `pip install -e .`: use the repository next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch
import torch.nn.functional as F

from companion import zoo
from companion.checkpoint import FORMAT
from companion.codecs.tokens import codec_for
from companion.data import load_corpus
from companion.models.gpt import GPT, GPTConfig
from companion.pipelines import gpt as pipeline
from companion.train.lm import LMConfig, make_optimizer, sample_batch
from companion.zoo import shipped_path

JSB_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "polyphonic" / "JSB_Chorales.mat"


def training_speed(model: GPT, sequences: list[list[int]], config: LMConfig, steps: int) -> dict:
    """Tokens and positions per second over ``steps`` optimiser steps (3 warm-up steps first)."""
    tensors = [torch.as_tensor(s, dtype=torch.long) for s in sequences]
    optimizer = make_optimizer(model, config)
    generator = torch.Generator().manual_seed(0)
    model.train()
    tokens = positions = 0
    for step in range(steps + 3):
        if step == 3:
            start = time.perf_counter()
            tokens = positions = 0
        inputs, targets = sample_batch(tensors, config.batch_size, config.context, 0, generator)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=0)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        tokens += int((targets != 0).sum())
        positions += targets.numel()
    seconds = time.perf_counter() - start
    return {"steps_per_s": steps / seconds, "tokens_per_s": tokens / seconds, "positions_per_s": positions / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 steps and 3 repeats")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--corpora", default="jsb,bach,jazz")
    args = parser.parse_args()
    steps, repeats = (10, 3) if args.quick else (args.steps, args.repeats)
    torch.set_num_threads(args.threads)
    print(f"platform : {platform.platform()} ({platform.machine()})")
    print(f"cpus     : {os.cpu_count()}, torch threads {torch.get_num_threads()}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"python   : {platform.python_implementation()} {platform.python_version()}, torch {torch.__version__}")
    print(f"mode     : {steps} training steps, generation median of {repeats}")
    print()
    header = f"{'corpus':<6} {'params':>9} {'vocab':>6} {'batch':>9} {'steps/s':>8} {'tokens/s':>9} {'pos/s':>9}"
    print(header + f" {'8 bars':>7} {'tokens':>7} {'from':<10}")
    print("-" * (len(header) + 27))
    for name in args.corpora.split(","):
        corpus = load_corpus(name, path=JSB_PATH if name == "jsb" else None)
        settings = pipeline.default_config("gpt-chords", name)
        codec = codec_for("chords", **settings["codec"])
        train, _ = pipeline.training_data(codec, corpus)
        torch.manual_seed(0)
        model = GPT(GPTConfig(vocab_size=codec.vocab_size, **settings["gpt"]))
        config = LMConfig.from_dict(settings["lm"])
        speed = training_speed(model, train, config, steps)

        if shipped_path("gpt-chords", name).exists():
            checkpoint, source = zoo.load(f"gpt-chords:{name}"), "shipped"
        else:
            checkpoint = {"format": FORMAT, "model": "gpt-chords", "codec": codec.to_dict(),
                          "config": {"gpt": model.config.to_dict()}, "state": model.state_dict(),
                          "train": {"corpus": name}}  # fmt: skip
            source = "untrained"
        times = []
        for seed in range(repeats):
            start = time.perf_counter()
            song = pipeline.generate(checkpoint, bars=8, seed=seed)
            times.append(time.perf_counter() - start)
        per_bar = codec.frames_per_bar
        print(
            f"{name:<6} {model.num_parameters():>9,} {codec.vocab_size:>6} {config.batch_size:>3}x{config.context:<5}"
            f" {speed['steps_per_s']:>8.2f} {speed['tokens_per_s']:>9,.0f} {speed['positions_per_s']:>9,.0f}"
            f" {statistics.median(times):>6.3f}s {8 * per_bar:>7} {source:<10}"
        )
        assert song.num_bars == 8
    print()
    print("tokens/s: target tokens (no padding) per second of training; pos/s: all positions computed.")
    print("8 bars: wall time of pipeline.generate(bars=8) incl. decoding; tokens: how many it samples.")


if __name__ == "__main__":
    main()
