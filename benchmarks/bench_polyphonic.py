"""The four polyphonic benchmarks x {gpt-events, gpt-chords}: exact test NLL (nats per frame), CPU
minutes and parameters of each shipped checkpoint, beside the best published exact figure and bound.

    python benchmarks/bench_polyphonic.py            # from the shipped manifests (instant)
    python benchmarks/bench_polyphonic.py --rescore  # re-evaluates each shipped checkpoint's test NLL

Every figure comes from a shipped checkpoint (``companion/checkpoints/gpt-*-<benchmark>.pt``), made by
the command in its manifest with the recipe file it names. It prints and asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import torch

from companion import zoo
from companion.data import load_corpus
from companion.leaderboard import benchmark_table, format_benchmark_table
from companion.likelihood import frame_nll
from companion.pipelines import gpt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rescore", action="store_true", help="re-evaluate every shipped checkpoint's test NLL")
    args = parser.parse_args()
    torch.set_num_threads(1)
    rows = benchmark_table()
    print(f"torch {torch.__version__}, 1 thread; test split; nats per frame (exact); 'unseen': frames outside a "
          "chord vocabulary, paid for by the fall-back")  # fmt: skip
    print(format_benchmark_table(rows))
    if args.rescore:
        print("\nrescored from the checkpoints:")
        for row in rows:
            started = time.process_time()
            net, codec = gpt.load_model(zoo.load(f"{row['model']}:{row['benchmark']}"))
            scored = frame_nll(net, codec, load_corpus(row["benchmark"]).frames["test"])
            print(f"  {row['benchmark']:<11}{row['model']:<12}{scored['nll_nats_per_frame']:.4f} "
                  f"(manifest {row['test_nll']:.4f}; {time.process_time() - started:.0f} CPU s)")


if __name__ == "__main__":
    main()
