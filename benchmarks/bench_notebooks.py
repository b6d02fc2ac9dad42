"""Wall time and peak memory of every lesson notebook, run top to bottom as CI runs it.

    python benchmarks/bench_notebooks.py            # fast mode (COMPANION_FAST=1), as CI
    python benchmarks/bench_notebooks.py --full     # the full run committed with the notebooks

Each notebook runs in a fresh process (nbclient + a fresh kernel), so the peak resident memory
printed is the kernel's own (the largest of the process tree, via getrusage(RUSAGE_CHILDREN)).
Targets: each notebook < 90 s on a 2-core CPU, the whole course <= 6 min, peak < 1.5 GB per kernel
(Binder gives 2 GB). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUNNER = r"""
import json, resource, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
where = {"metadata": {"path": str(path.parent)}}
NotebookClient(nb, timeout=900, kernel_name="python3", resources=where).execute()
wall = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall_s": wall, "peak_mb": peak_kb / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="run without COMPANION_FAST")
    parser.add_argument("notebooks", nargs="*", help="notebook files (default: notebooks/NN_*.ipynb)")
    args = parser.parse_args()
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    env = dict(os.environ)
    if args.full:
        env.pop("COMPANION_FAST", None)
    else:
        env["COMPANION_FAST"] = "1"
    print(f"mode: {'full' if args.full else 'fast (COMPANION_FAST=1)'}; {os.cpu_count()} CPU cores; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'notebook':<32}{'wall s':>9}{'peak MB':>10}  status")
    total = 0.0
    started = time.perf_counter()
    for path in paths:
        result = subprocess.run([sys.executable, "-c", RUNNER, str(path)], capture_output=True, text=True, env=env)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{path.name:<32}{'-':>9}{'-':>10}  FAILED: {last[:80]}")
            continue
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        total += figures["wall_s"]
        flag = "ok" if figures["wall_s"] < 90 and figures["peak_mb"] < 1536 else "over target"
        print(f"{path.name:<32}{figures['wall_s']:>9.1f}{figures['peak_mb']:>10.0f}  {flag}")
    print(f"{'whole course':<32}{total:>9.1f}{'':>10}  ({time.perf_counter() - started:.0f} s with kernel starts)")


if __name__ == "__main__":
    main()
