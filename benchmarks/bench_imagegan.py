"""Benchmark of the image GAN (lesson 03): training steps per second in both layouts and with both
losses, and the time to generate 8 bars.

Run from the repository root::

    python benchmarks/bench_imagegan.py             # 10 timed steps per configuration
    python benchmarks/bench_imagegan.py --steps 3   # quicker

One training *step* is what ``python -m companion train image-gan`` runs: with WGAN-GP, 5 critic
updates with the gradient penalty then one generator update; with the original GAN loss, one
discriminator update then one generator update; batch 16 of Bach clips. Generation is timed end to
end from a loaded checkpoint (the shipped one where present): build the generator, sample two 9.6 s
images (8 bars at 100 bpm = 19.2 s), threshold, decode to a Song and write MIDI bytes. One torch
thread, as the shipped checkpoints were trained. Wall-clock (``time.perf_counter``) and process CPU
time are both printed: on a shared machine the CPU time is the figure that does not depend on what
else runs. A script, not a test: it asserts nothing about time.
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
from companion.models.imagegan import build, count_parameters
from companion.pipelines import imagegan as pipeline
from companion.train.gan import GANTrainer, RandomBatches
from companion.zoo import shipped_path

CONFIGURATIONS = (("rgb", "wgan-gp"), ("plain", "wgan-gp"), ("rgb", "gan"), ("plain", "gan"))


def train_speed(songs, layout: str, loss: str, steps: int) -> dict:
    config = pipeline.model_config(layout)
    clips = torch.from_numpy(pipeline.corpus_clips(songs, layout=layout, hop=pipeline.HOP))
    torch.manual_seed(0)
    generator, critic = build(config)
    trainer = GANTrainer(generator, critic, generator.sample_latent,
                         RandomBatches(lambda n, g: clips[torch.randint(len(clips), (n,), generator=g)].float(),
                                       pipeline.BATCH_SIZE), pipeline.gan_config(loss))  # fmt: skip
    speed = steps_per_second(trainer, steps)
    return {
        "generator": count_parameters(generator),
        "critic": count_parameters(critic),
        **speed,
    }


def generation_time(corpus: str, repeats: int) -> tuple[float, float, str]:
    path = shipped_path(pipeline.MODEL, corpus)
    if path.exists():
        checkpoint, source = zoo.load(path), "shipped"
    else:
        checkpoint = zoo.train(pipeline.MODEL, load_corpus("jazz", num_bars=200), steps=1, show_progress=False)
        source = "untrained (no shipped checkpoint)"
    wall, cpu = generation_seconds(lambda seed: pipeline.generate(checkpoint, bars=8, seed=seed), repeats)
    return wall, cpu, source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="timed training steps per configuration")
    parser.add_argument("--repeats", type=int, default=5, help="timed generations per corpus")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine_line())
    songs = load_corpus("bach").train[:60]
    print(f"\ntraining on Bach clips (batch {pipeline.BATCH_SIZE}, {args.steps} steps after one warm-up)")
    print(f"  {'layout':<8}{'loss':<10}{'G params':>10}{'D params':>10}{'steps/s wall':>14}{'steps/s CPU':>13}")
    for layout, loss in CONFIGURATIONS:
        r = train_speed(songs, layout, loss, args.steps)
        print(f"  {layout:<8}{loss:<10}{r['generator']:>10,}{r['critic']:>10,}{r['steps_per_s_wall']:>14.2f}"
              f"{r['steps_per_s_cpu']:>13.2f}")  # fmt: skip
    print(f"\ngeneration of 8 bars to MIDI bytes (median of {args.repeats})")
    for corpus in ("bach", "jazz"):
        wall, cpu, source = generation_time(corpus, args.repeats)
        print(f"  image-gan {corpus:<6}{wall:>8.3f} s wall {cpu:>8.3f} s CPU   ({source} checkpoint)")


if __name__ == "__main__":
    main()
