"""Timing shared by the two GAN benchmarks (``bench_musegan.py``, ``bench_imagegan.py``): training
steps per second of a :class:`~companion.train.gan.GANTrainer` and the time to generate 8 bars to
MIDI bytes from a checkpoint, both in wall-clock and process CPU time. Not a test: it measures."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable

import torch

from companion.midi import midi_bytes
from companion.train.gan import GANTrainer


def machine_line() -> str:
    """The header every GAN benchmark prints first."""
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, 1 thread; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def steps_per_second(trainer: GANTrainer, steps: int) -> dict[str, float]:
    """``steps`` training steps after one warm-up step: steps per second of wall and of CPU time."""
    trainer.train_step()  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        trainer.train_step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"steps_per_s_wall": steps / wall, "steps_per_s_cpu": steps / cpu}


def generation_seconds(generate: Callable[[int], object], repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``midi_bytes(generate(seed))`` over ``repeats`` seeds, after one
    untimed warm-up call."""
    times, cpus = [], []
    for seed in range(repeats + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        midi_bytes(generate(seed))
        times.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(times[1:]), statistics.median(cpus[1:])
