"""Benchmark of MuseGAN (lesson 02): training steps per second of each model and the time to
generate 8 bars (goal: at most 1 s), on the jazz corpus's shape (5 tracks x 4 bars x 48 x 84).

Run from the repository root::

    python benchmarks/bench_musegan.py             # 20 timed steps per model
    python benchmarks/bench_musegan.py --steps 5   # quicker

One training *step* is one generator update after 5 critic updates with the gradient penalty
(WGAN-GP), batch ``pipeline.BATCH_SIZE`` (8), exactly what ``python -m companion train`` runs.
Generation is timed end to end from a loaded checkpoint (the shipped one where present): build the
generator, sample, threshold, decode to a Song and write MIDI bytes. One torch thread (as the
shipped checkpoints were trained).
Wall-clock (``time.perf_counter``) and process CPU time are both printed: on a shared machine the
CPU time is the figure that does not depend on what else runs. A script, not a test: it asserts
nothing about time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

try:
    import companion  # noqa: F401
except ModuleNotFoundError:  # a checkout without `pip install -e .`: use the repository next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gan_timing import generation_seconds, machine_line, steps_per_second

from companion import load_corpus, zoo
from companion.models.musegan import build, count_parameters
from companion.pipelines import musegan as pipeline
from companion.train.gan import GANConfig, GANTrainer, RandomBatches
from companion.zoo import shipped_path


def train_speed(model: str, phrases: pipeline.Phrases, steps: int) -> dict:
    config = pipeline.model_config(model, len(phrases.tracks))
    torch.manual_seed(0)
    generator, critic = build(config)
    trainer = GANTrainer(
        generator,
        critic,
        lambda n, g: torch.randn((n, *config.latent_shape), generator=g),
        RandomBatches(phrases.sample, pipeline.BATCH_SIZE),
        GANConfig(),
    )
    speed = steps_per_second(trainer, steps)
    return {
        "model": model,
        "generator": count_parameters(generator),
        "critic": count_parameters(critic),
        **speed,
    }


def generation_time(model: str, repeats: int) -> tuple[float, float, str]:
    path = shipped_path(model, "jazz")
    if path.exists():
        checkpoint, source = zoo.load(path), "shipped"
    else:
        corpus = load_corpus("jazz", num_bars=64)
        checkpoint = zoo.train(model, corpus, steps=1, show_progress=False)
        source = "untrained (no shipped checkpoint)"
    wall, cpu = generation_seconds(lambda seed: pipeline.generate(checkpoint, bars=8, seed=seed), repeats)
    return wall, cpu, source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="timed training steps per model")
    parser.add_argument("--repeats", type=int, default=5, help="timed generations per model")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine_line())
    phrases = pipeline.Phrases(load_corpus("jazz").train)
    print(
        f"\ntraining (batch {pipeline.BATCH_SIZE}, 5 critic updates + 1 generator update per step, "
        f"{args.steps} steps after one warm-up)"
    )
    print(f"  {'model':<18}{'G params':>10}{'D params':>10}{'steps/s wall':>14}{'steps/s CPU':>13}")
    for model in pipeline.MODELS:
        r = train_speed(model, phrases, args.steps)
        print(
            f"  {model:<18}{r['generator']:>10,}{r['critic']:>10,}{r['steps_per_s_wall']:>14.2f}"
            f"{r['steps_per_s_cpu']:>13.2f}"
        )
    print(f"\ngeneration of 8 bars to MIDI bytes (median of {args.repeats}; goal <= 1 s)")
    for model in pipeline.MODELS:
        wall, cpu, source = generation_time(model, args.repeats)
        print(f"  {model:<18}{wall:>8.3f} s wall {cpu:>8.3f} s CPU   ({source} checkpoint)")


if __name__ == "__main__":
    main()
