"""The returns sweep beyond one machine (issue 16, lesson 06): hand the sweep's independent units to
a Ray cluster, ``python -m companion.returns ... --cluster ADDRESS``. Optional: Ray is the extra
``pip install companion[cluster]``, imported only here and only when a cluster is asked for; without
``--cluster`` the sweep runs one point at a time in its own process (:func:`companion.returns.run`).

The unit of parallel work is one *run* (model, corpus, seed): its rungs resume one checkpoint, so
they go in order, one Ray task (``num_cpus=1``) per rung, the next rung sent when the previous one's
row is back; different runs, and the floor row of each corpus, go in parallel. Each task calls the
local sweep's own functions (:func:`~companion.returns.point_row`, which trains and scores through
:func:`~companion.returns.score_point` or returns the ``"stopped"`` row, and
:func:`~companion.returns.floor_row`) and returns its row; only the driver writes the results file
(:func:`~companion.returns.append_row`), each row as its task finishes, so a stopped sweep loses at
most the rungs in flight and a restarted one (with or without a cluster) resumes from the file and
the checkpoints. The rows are those of the local sweep, in another order; with step rungs
(``--ladder-steps``) they are the same rows, bar the CPU-time fields (``tests/test_cluster.py``).
CPU-minute rungs count the worker process's CPU time, which includes a little of Ray's own threads.
Ray's own processes need a few CPU seconds as they start: on a machine so busy that its agents do
not get them within the raylet's wait for them (about 20 s, fixed in Ray 2.60), the start fails
with :class:`ClusterError`.

Checkpoints: the workers read and write the run checkpoints under ``--runs``. Workers on one machine
(``local:N``) share it; on a multi-machine cluster ``--runs`` must be a shared filesystem path, the
same on every node, and every node needs the package (and its corpora) installed.

    python -m companion.returns --out results/returns_curves.jsonl --cluster local:2     # 2 workers here
    python -m companion.returns --out /shared/r.jsonl --runs /shared/runs --cluster ray://head:10001
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from . import returns
from .errors import ClusterError

LOCAL = re.compile(r"local:(\d+)")
"""``local:N``: start a Ray instance on this machine with N workers (N CPUs)."""


def import_ray() -> ModuleType:
    """The ``ray`` module, or :class:`ClusterError` saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise ClusterError("--cluster needs Ray, which is not installed: pip install companion[cluster]") from exc
    return ray


def connect(address: str) -> tuple[ModuleType, bool]:
    """Ray, connected to ``address`` (``local:N``, ``auto``, ``ray://host:port``, or a Ray instance
    this process already started, which is used as it is); and whether this call started it."""
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    local = LOCAL.fullmatch(address)
    if address.startswith("local:") and (local is None or int(local.group(1)) < 1):
        raise ClusterError(f"cluster address {address!r}: write local:N with N workers, 1 or more")
    import builtins

    original_print = builtins.print
    try:
        if local is not None:
            ray.init(num_cpus=int(local.group(1)), include_dashboard=False)
        else:
            ray.init(address=address)
    except Exception as exc:  # Ray raises ConnectionError, or a bare Exception for a node that did not start
        ray.shutdown()  # the processes a failed start left behind
        what = f"start a local Ray instance ({address})" if local else f"reach the Ray cluster at {address!r}"
        raise ClusterError(f"cannot {what}: {exc}".replace("\n", " ")) from exc
    finally:
        builtins.print = original_print  # ray.init swaps in its own print for the whole process
    return ray, True


def run(
    results: Path, points: list[returns.Point], *, runs_dir: Path, excerpts: int, corpora: Iterable[str],
    address: str,
) -> Iterator[dict]:
    """:func:`companion.returns.run` on a Ray cluster: every missing floor and every unfinished run in
    parallel, each run's rungs in order; yields each row once it is appended to ``results``.
    Connects (or raises :class:`ClusterError`) before it returns; with nothing left to do it starts
    no Ray instance."""
    import_ray()
    results = Path(results)
    present = returns.finished(results)
    todo: dict[tuple, list[returns.Point]] = {}
    for point in points:  # the plan's order: each run's rungs in order, runs by their lowest rung
        if point.key not in present:
            todo.setdefault(point.run, []).append(point)
    floors = returns.missing_floors(results, corpora)
    if not todo and not floors:
        return iter(())
    ray, started = connect(address)
    return _drive(ray, started, results, todo, floors, runs_dir=Path(runs_dir).resolve(), excerpts=excerpts)


def _drive(ray, started: bool, results: Path, todo: dict, floors: list[str], *, runs_dir: Path, excerpts: int):
    """Send the floors and each run's first rung, then each run's next rung as its row comes back."""
    floor_task = ray.remote(num_cpus=1)(returns.floor_row)
    point_task = ray.remote(num_cpus=1)(returns.point_row)
    pending = {floor_task.remote(corpus, excerpts): None for corpus in floors}
    pending.update({point_task.remote(rungs.pop(0), runs_dir, excerpts): run for run, rungs in todo.items()})
    stops = returns.stopped_runs(results)
    try:
        while pending:
            (ref,), _ = ray.wait(list(pending), num_returns=1)
            run = pending.pop(ref)
            row = ray.get(ref)
            new = run is None or returns.keep(row, stops)
            if new:
                returns.append_row(results, row)
            if run is not None and todo[run]:  # only now: the next rung moves the run's checkpoint on
                pending[point_task.remote(todo[run].pop(0), runs_dir, excerpts)] = run
            if new:
                yield row
    finally:
        for ref in pending:
            ray.cancel(ref)
        if started:
            ray.shutdown()
