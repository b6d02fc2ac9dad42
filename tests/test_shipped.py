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
