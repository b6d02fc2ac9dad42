"""The yardstick of the shipped checkpoints (companion.shipped, lesson 06)."""

from __future__ import annotations

import json

from companion import shipped, zoo


def test_a_shipped_checkpoint_is_scored_once_with_what_it_cost(tmp_path, capsys):
    out = tmp_path / "shipped.jsonl"
    args = ["--out", str(out), "--corpora", "bach", "--models", "musegan-hybrid", "--excerpts", "12"]
    assert shipped.main(args) == 0
    assert shipped.main(args) == 0  # the same sha256 is not scored twice
    lines = out.read_text().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    manifest = json.loads(zoo.shipped_path("musegan-hybrid", "bach").with_suffix(".json").read_text())
    assert (row["model"], row["corpus"], row["split"], row["sha256"]) == ("musegan-hybrid", "bach", "test",
                                                                           manifest["sha256"])  # fmt: skip
    assert set(row["headline"]) >= {"generated", "floor", "random", "shuffled", "copy"}
    assert row["headline"]["copy"]["accuracy"] < row["headline"]["random"]["accuracy"]
    assert shipped.read(out)["musegan-hybrid:bach"] == row
    assert "musegan-hybrid:bach: accuracy" in capsys.readouterr().out


def test_the_demo_reads_a_shipped_models_headline_from_its_manifest_or_else_the_results_line(tmp_path):
    with_yardstick = zoo.shipped_path("gpt-events", "jazz")  # shipped with `ship --excerpts 100`
    stored = json.loads(with_yardstick.with_suffix(".json").read_text())["metrics"]["test"]["yardstick"]
    numbers = shipped.headline(with_yardstick, results=tmp_path / "none.jsonl")
    assert numbers["headline"] == stored["headline"]["generated"] and numbers["floor"] == stored["headline"]["floor"]
    assert (numbers["split"], numbers["excerpts"]) == ("test", 100) and "metrics.test.yardstick" in numbers["source"]

    manifest = json.loads(zoo.shipped_path("musegan-hybrid", "jazz").with_suffix(".json").read_text())
    manifest["metrics"].get("test", {}).pop("yardstick", None)  # as shipped before manifests held a yardstick
    without = tmp_path / "musegan-hybrid-jazz.pt"
    without.with_suffix(".json").write_text(json.dumps(manifest))
    assert shipped.headline(without, results=tmp_path / "none.jsonl") is None
    sha256 = manifest["sha256"]
    results = tmp_path / "shipped.jsonl"
    headline = {"generated": {"accuracy": 1.0, "ci": [1.0, 1.0]}, "floor": {"accuracy": 0.59, "ci": [0.49, 0.73]}}
    line = {"sha256": sha256, "split": "test", "excerpts": 100, "overlap_mean": 0.66, "headline": headline,
            "frechet": {"value": 68.1, "ci": [61.0, 75.1], "dims": 39}}  # fmt: skip
    other = line | {"sha256": "0" * 64, "headline": {"generated": {"accuracy": 0.5}, "floor": {}}}  # another checkpoint
    results.write_text(json.dumps(other) + "\n" + json.dumps(line) + "\n")
    numbers = shipped.headline(without, results=results)
    assert numbers["headline"] == {"accuracy": 1.0, "ci": [1.0, 1.0]} and numbers["floor"]["accuracy"] == 0.59
    assert numbers["frechet"] == {"value": 68.1, "ci": [61.0, 75.1]} and numbers["overlap_mean"] == 0.66
    assert sha256[:12] in numbers["source"]


def test_a_manifest_that_holds_the_yardstick_gives_the_same_line_as_scoring_it_again():
    # gpt-events:bach was shipped with `ship --excerpts 100` and also scored by `companion.shipped`
    # before lines could come from manifests: both measurements are in the repository, and agree
    measured = shipped.read(shipped.RESULTS)["gpt-events:bach"]
    line = shipped.from_manifest("gpt-events:bach")
    assert line["sha256"] == measured["sha256"] and line["scored_by"].startswith("ship (")
    for key in ("headline", "roll", "frechet", "overlap_mean", "nll", "steps", "cpu_seconds", "excerpts"):
        assert line[key] == measured[key], key
    assert shipped.from_manifest("gpt-events:bach", excerpts=12) is None  # another measurement: score it


def test_a_sweep_rung_is_shipped_with_the_command_that_made_it_and_a_failed_ship_loses_nothing(tmp_path, monkeypatch):
    import pytest

    from companion.data import load_corpus
    from companion.errors import CompanionError

    runs, package = tmp_path / "runs", tmp_path / "checkpoints"
    runs.mkdir(), package.mkdir()
    monkeypatch.setattr(zoo, "CHECKPOINT_DIR", package)
    rung = runs / "gpt-chords-bach-seed1-4min.pt"
    zoo.train("gpt-chords", load_corpus("bach"), steps=2, seed=1, out=rung, show_progress=False)

    manifest_path = shipped.ship_rung("gpt-chords:bach", seed=1, minutes=4, runs=runs, excerpts=8)
    manifest = json.loads(manifest_path.read_text())
    assert manifest_path == package / "gpt-chords-bach.json" and manifest["steps"] == 2
    assert manifest["command"].startswith("python -m companion.returns --out results/returns_curves.jsonl "
                                          "--models gpt-chords --corpora bach --seeds 1 --ladder 0.5 1 2 4 ")
    assert manifest["cpu_seconds"] > 0 and manifest["metrics"]["test"]["yardstick"]["settings"]["excerpts"] == 8
    line = shipped.from_manifest("gpt-chords:bach", excerpts=8)
    assert line["sha256"] == manifest["sha256"] and line["cpu_seconds"] == manifest["cpu_seconds"]

    shipped_bytes = (package / "gpt-chords-bach.pt").read_bytes()
    with pytest.raises(CompanionError, match="seed1-8min.pt: no such rung checkpoint"):
        shipped.ship_rung("gpt-chords:bach", seed=1, minutes=8, runs=runs)
    monkeypatch.setattr(zoo, "ship", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError, match="disk full"):
        shipped.ship_rung("gpt-chords:bach", seed=1, minutes=4, runs=runs)
    assert (package / "gpt-chords-bach.pt").read_bytes() == shipped_bytes  # the shipped files are put back
    assert json.loads(manifest_path.read_text()) == manifest
    assert shipped.main(["--out", str(tmp_path / "s.jsonl"), "--ship-rung", "nope:bach", "--minutes", "4"]) == 2
