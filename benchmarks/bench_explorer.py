"""Benchmark of lesson 06's explorer (:mod:`companion.widgets`): what one click on Generate costs, for
every shipped checkpoint, at the explorer's own thread count (:data:`companion.widgets.GENERATE_THREADS`).

Run from the repository root::

    python benchmarks/bench_explorer.py                 # every shipped model, 8 bars, 3 repeats
    python benchmarks/bench_explorer.py --bars 4 --repeats 1
    python benchmarks/bench_explorer.py --compare-threads   # also at torch's default thread count

For each ``model:corpus`` it times, as the explorer's callback does them:

* ``load``: :func:`companion.zoo.load` of the shipped checkpoint;
* ``generate``: :func:`companion.zoo.generate` of ``--bars`` bars (seed = repeat index) inside
  :func:`companion.widgets.torch_threads`;
* ``render``: the piano roll drawn into a PNG (Agg), the audio player's WAV and the MIDI bytes of the
  download link;

and prints the median of ``--repeats`` runs of each, their sum (wall) and the CPU seconds of the whole
click (``time.process_time``: what it costs one free core, whatever else runs on a shared machine).
The goal is <= 2 s per 8-bar click on one CPU. A script, not a test: it prints figures and asserts
nothing about time. Times are
wall-clock (``time.perf_counter``); the header prints the load average, since the machine is often
shared.
"""

from __future__ import annotations

import argparse
import io
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

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from companion import zoo  # noqa: E402
from companion.audio import play  # noqa: E402
from companion.midi import midi_bytes  # noqa: E402
from companion.plot import plot_song  # noqa: E402
from companion.widgets import GENERATE_THREADS, torch_threads  # noqa: E402


def click(name: str, bars: int, seed: int, threads: int, sample_rate: int) -> dict[str, float]:
    """Seconds of each stage of one Generate click."""
    times = {}
    cpu = time.process_time()
    start = time.perf_counter()
    with torch_threads(threads):
        checkpoint = zoo.load(name)
        times["load"] = time.perf_counter() - start
        start = time.perf_counter()
        song = zoo.generate(checkpoint, bars=bars, seed=seed, temperature=1.0)
        times["generate"] = time.perf_counter() - start
    start = time.perf_counter()
    fig, ax = plt.subplots(figsize=(9, 3))
    plot_song(song, ax)
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    play(song, sample_rate=sample_rate)
    midi_bytes(song)
    times["render"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    times["cpu"] = time.process_time() - cpu
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bars", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sample-rate", type=int, default=8000, help="the explorer's in lesson 06")
    parser.add_argument("--compare-threads", action="store_true", help="also time at torch's default threads")
    parser.add_argument("--only", nargs="*", help="model:corpus names (default: every shipped one)")
    args = parser.parse_args(argv)

    default_threads = torch.get_num_threads()
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"
    print(f"# bench_explorer: {platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, "
          f"load average {load}")
    print(f"# {args.bars} bars, median of {args.repeats}, explorer threads {GENERATE_THREADS}"
          + (f", default threads {default_threads}" if args.compare_threads else ""))
    thread_counts = [GENERATE_THREADS] + ([default_threads] if args.compare_threads else [])
    names = args.only or sorted(zoo.shipped_checkpoints())
    print(f"{'model:corpus':<24}{'threads':>8}{'load s':>9}{'generate s':>12}{'render s':>10}{'total s':>9}"
          f"{'CPU s':>8}")
    worst = worst_cpu = 0.0
    for name in names:
        for threads in thread_counts:
            runs = [click(name, args.bars, seed, threads, args.sample_rate) for seed in range(args.repeats)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            if threads == GENERATE_THREADS:
                worst, worst_cpu = max(worst, med["total"]), max(worst_cpu, med["cpu"])
            print(f"{name:<24}{threads:>8}{med['load']:>9.2f}{med['generate']:>12.2f}{med['render']:>10.2f}"
                  f"{med['total']:>9.2f}{med['cpu']:>8.2f}")
    print(f"# slowest click at {GENERATE_THREADS} thread: {worst:.2f} s wall, {worst_cpu:.2f} s CPU (goal <= 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
