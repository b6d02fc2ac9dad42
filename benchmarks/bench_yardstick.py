"""Benchmark of the yardstick (companion.yardstick.measure): its cost for 100 and 1,000 excerpts.

Run from the repository root::

    python benchmarks/bench_yardstick.py               # bach, 100 and 1000 excerpts per set
    python benchmarks/bench_yardstick.py --sizes 100   # only 100
    python benchmarks/bench_yardstick.py --corpus jazz

The "generated" set is the shuffled-bars baseline drawn once more (a stand-in model: no checkpoint
needed), so every stage of a real evaluation runs: excerpts, features, the metrics table, and for
each of the five sets (generated, floor, three baselines) overlap, both classifiers and the Fréchet
distance. A script, not a test: it prints figures and asserts nothing about time. Times are process
CPU seconds (``time.process_time``) per stage, one thread (torch's and numpy's OpenBLAS), plus the
wall time; on a shared machine the wall time measures the neighbours. With 1,000 excerpts the
1,000 x 1,000 within-set distances are subsampled to 1,000 before smoothing, and the Bach test split
(36 pieces, 304 windows) gives only 304 floor excerpts, so that row measures cost, not a better floor.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

try:
    import companion  # noqa: F401
except ModuleNotFoundError:  # a checkout without `pip install -e .`: use the repository next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from companion import yardstick
from companion.data import load_corpus, registers_for
from companion.device import blas_threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="bach", choices=("bach", "jazz"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    blas_threads(1)  # numpy's OpenBLAS too: its idle threads spin and count as CPU time
    corpus = load_corpus(args.corpus)
    print(f"{platform.system()} {platform.machine()}, CPython {platform.python_version()}, torch {torch.__version__}, "
          f"1 thread; corpus {args.corpus}: {len(corpus.train)} train / {len(corpus.test)} test pieces")  # fmt: skip
    for n in args.sizes:
        stand_in = yardstick.shuffled_bars(corpus.train, n, 8, np.random.default_rng([args.seed, 99]))
        wall = time.perf_counter()
        result = yardstick.measure(corpus.train, corpus.test, stand_in, excerpts=n, seed=args.seed,
                                   registers=registers_for(args.corpus))  # fmt: skip
        wall = time.perf_counter() - wall
        cost = result["cost"]
        stages = "  ".join(f"{k.removesuffix('_s')} {v:.1f}" for k, v in cost.items() if k not in ("wall_s", "cpu_s"))
        sizes = {k: v["excerpts"] for k, v in result["sets"].items()}
        print(f"\n{n} excerpts per set (got {sizes}):")
        print(f"  total CPU {cost['cpu_s']:.1f} s, wall {wall:.1f} s")
        print(f"  CPU s per stage: {stages}")
        head = result["headline"]
        print("  feature classifier accuracy: " + "  ".join(
            f"{k} {v['accuracy']:.3f}" for k, v in head.items() if isinstance(v, dict)))  # fmt: skip


if __name__ == "__main__":
    main()
