"""A returns sweep on a Ray cluster (``--cluster``, the optional extra ``companion[cluster]``) writes
the rows of the same sweep run here, one point at a time.

The tiny sweep: the cheapest model, one corpus, one seed, two rungs given as step counts (CPU-minute
rungs end at a step count that depends on the machine's speed), 6 excerpts per score. Run once
locally and once on a local Ray instance of two workers (``--cluster local:2``: the corpus's floor
row and the run's two rungs, in order, as Ray tasks).
"""

from __future__ import annotations

import json
import sys
import types

import pytest

from companion import cluster, returns
from companion.errors import ClusterError

SWEEP = ["--models", "musegan-composer", "--corpora", "bach", "--seeds", "0", "--ladder-steps", "3", "6",
         "--excerpts", "6"]  # fmt: skip

TIMING = ("train_cpu_seconds", "score_cpu_seconds", "cost")
"""Fields that measure the process (CPU seconds spent), not the model: left out of the comparison."""


def rows(results) -> list[dict]:
    """The rows of a results file without their :data:`TIMING` fields, in a fixed order."""
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    return sorted(({k: v for k, v in row.items() if k not in TIMING} for row in lines),
                  key=lambda row: (row["kind"], json.dumps(row, sort_keys=True)))  # fmt: skip


@pytest.fixture
def ray():
    """Ray, shut down after the test whatever happens (skips where the extra is not installed)."""
    import builtins

    original_print = builtins.print
    try:
        ray = cluster.import_ray()
    except ClusterError:
        pytest.skip("Ray is not installed (pip install companion[cluster])")
    yield ray
    ray.shutdown()
    builtins.print = original_print  # Ray swaps in its own print while it runs tasks; other tests need the real one


def test_a_sweep_on_two_ray_workers_writes_the_rows_of_the_local_sweep(tmp_path, ray, one_thread, monkeypatch, capsys):
    # one torch thread here, as in each Ray worker (a task of num_cpus=1); no usage report from Ray
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    here, there = tmp_path / "local.jsonl", tmp_path / "cluster.jsonl"
    assert returns.main(["--out", str(here), "--runs", str(tmp_path / "runs-local"), *SWEEP]) == 0
    assert returns.main(["--out", str(there), "--runs", str(tmp_path / "runs-cluster"), *SWEEP,
                         "--cluster", "local:2"]) == 0  # fmt: skip
    assert not ray.is_initialized()  # the sweep shut down the Ray instance it started
    assert [row["kind"] for row in rows(there)] == ["floor", "point", "point"]
    assert rows(there) == rows(here)
    assert sorted(p.name for p in (tmp_path / "runs-cluster").iterdir()) == sorted(
        p.name for p in (tmp_path / "runs-local").iterdir())  # the same checkpoints: the run's and one per rung
    capsys.readouterr()
    # run again, the finished sweep has nothing left to do: no row, and no Ray instance started
    assert returns.main(["--out", str(there), "--runs", str(tmp_path / "runs-cluster"), *SWEEP,
                         "--cluster", "local:2"]) == 0  # fmt: skip
    assert capsys.readouterr().out == "" and rows(there) == rows(here)


def test_a_cluster_without_ray_is_the_package_error_naming_the_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` meets where Ray is not installed
    with pytest.raises(ClusterError, match=r"pip install companion\[cluster\]"):
        cluster.import_ray()
    with pytest.raises(SystemExit) as exit_:
        returns.main(["--out", str(tmp_path / "r.jsonl"), "--runs", str(tmp_path / "runs"), *SWEEP,
                      "--cluster", "local:2"])  # fmt: skip
    assert exit_.value.code == 2
    assert "Ray, which is not installed: pip install companion[cluster]" in capsys.readouterr().err.splitlines()[-1]
    assert not (tmp_path / "r.jsonl").exists()


def test_a_ray_instance_that_does_not_start_is_the_package_error_and_leaves_nothing_behind(monkeypatch):
    calls = []

    def init(**options):
        calls.append(options)
        raise Exception("The current node timed out during startup.\nThis could happen ...")  # what Ray raises

    fake = types.SimpleNamespace(is_initialized=lambda: False, init=init, shutdown=lambda: calls.append("shutdown"))
    monkeypatch.setitem(sys.modules, "ray", fake)
    with pytest.raises(ClusterError) as error:
        cluster.connect("local:2")
    assert str(error.value).startswith("cannot start a local Ray instance (local:2): The current node timed out")
    assert "\n" not in str(error.value)  # one line
    assert calls == [{"num_cpus": 2, "include_dashboard": False}, "shutdown"]
    with pytest.raises(ClusterError, match="write local:N with N workers, 1 or more"):
        cluster.connect("local:0")
