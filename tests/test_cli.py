"""The command line: JSON on stdout, exit 2 with one line for bad input."""

import json
import subprocess
import sys

import pytest

from companion import read_midi
from companion.cli import main
from companion.zoo import MODELS


def run(*args):
    return subprocess.run([sys.executable, "-m", "companion", *args], capture_output=True, text=True, timeout=300)


def test_data_jsb_json(jsb_path):
    result = run("data", "jsb", "--path", str(jsb_path), "--json")
    assert result.returncode == 0
    summary = json.loads(result.stdout)
    assert summary["splits"] == {"train": 229, "valid": 76, "test": 77}


def test_data_bach_and_jazz_json(capsys):
    assert main(["data", "bach", "--json"]) == 0
    bach = json.loads(capsys.readouterr().out)
    assert bach["tracks_per_piece"] == {"4": bach["pieces"]} and bach["pieces"] >= 350
    assert main(["data", "jazz", "--json"]) == 0
    jazz = json.loads(capsys.readouterr().out)
    assert jazz["bars"] == 3000 and jazz["chord_labels"] > 3000


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"MThd\x00\x00\x00\x06\x00\x01\x00\x05\x00\x60MTrk\x00\x00\x01\x00", "truncated"),
        (b"", "empty file"),
        (b"%PDF-1.4 not midi", "not a MIDI file"),
    ],
)
def test_inspect_bad_files_exit_2_with_one_line(tmp_path, content, reason):
    path = tmp_path / "bad.mid"
    path.write_bytes(content)
    result = run("inspect", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.mid" in lines[0] and reason in lines[0]


def test_inspect_a_good_file(small_song, tmp_path, capsys):
    from companion import write_midi

    path = write_midi(small_song, tmp_path / "small.mid")
    assert main(["inspect", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["notes"] == 10 and info["tempos_bpm"] == [120.0, 90.0] and info["time_signatures"] == ["3/4"]


def test_usage_errors_are_one_line_and_exit_2():
    result = run("data", "mozart")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_demo_writes_midi_audio_pictures_and_a_summary(tmp_path):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert all((out / f).stat().st_size > 0 for f in summary["files"])
    assert summary["table"][0]["model"].startswith("real data")
    shipped = [row["model"] for row in summary["table"][1:]]
    assert sorted(shipped + summary["missing_checkpoints"]) == sorted(
        m for m, e in MODELS.items() if "bach" in e.corpora
    )
    for model in shipped:
        assert {f"{model}.mid", f"{model}.wav", f"{model}.png"} <= set(summary["files"])
        assert read_midi(out / f"{model}.mid").num_notes > 0
    for row in summary["table"][1:]:  # every shipped bach model is scored (results/shipped_yardstick.jsonl)
        low, high = row["headline"]["ci"]
        assert low <= row["headline"]["accuracy"] <= high and "test split, 100 excerpts" in row["headline_source"]
    floor = summary["table"][0]["headline"]  # the real row: the noise floor, near 0.5
    assert floor["ci"][0] <= 0.5 <= floor["ci"][1]
    rows = {row["version"]: row for row in summary["representations"]}
    assert rows["original"]["notes_exact_pct"] == 100.0
    assert rows["roll-12-binary"]["notes"] < rows["original"]["notes"]
    assert rows["pitch-class-only"]["pitches_used"] <= 12


def test_bad_thread_count_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["generate", "musegan-hybrid:jazz", "--threads", "0", "--out", str(tmp_path / "x.mid")]) == 2
    assert capsys.readouterr().err.strip() == "companion: error: --threads 0: choose 1..256"
    assert not (tmp_path / "x.mid").exists()


def test_compare_says_its_torch_runs_on_one_thread_whatever_threads_says(capsys):
    from companion.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["compare", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "OpenBLAS threads only: torch always runs on one thread" in text
    assert build_parser().parse_args(["compare", "--corpus", "jazz", "--threads", "2"]).threads == 2


def test_split_seed_and_training_seed_are_separate_options():
    from companion.cli import build_parser

    args = build_parser().parse_args(["evaluate", "musegan-hybrid:jazz", "--corpus", "jazz", "--seed", "3"])
    assert (args.seed, args.split_seed, args.threads) == (3, 0, None)  # evaluates on the shipped split
    args = build_parser().parse_args(["train", "gpt-chords", "--corpus", "bach", "--split-seed", "2", "--threads", "1"])
    assert (args.seed, args.split_seed, args.threads) == (0, 2, 1)


def test_ship_turns_a_training_checkpoint_into_a_shipped_one(tmp_path, capsys):
    import hashlib

    import torch

    from companion import zoo
    from companion.data import load_corpus

    path = tmp_path / "musegan-hybrid-jazz.pt"
    zoo.train("musegan-hybrid", load_corpus("jazz"), steps=2, out=path)
    assert main(["ship", str(path), "--corpus", "jazz", "--threads", "1", "--excerpts", "12"]) == 0
    manifest = json.loads(path.with_suffix(".json").read_text())
    retrain = f"python -m companion train musegan-hybrid --corpus jazz --steps 2 --seed 0 --out {path}"
    assert manifest["command"] == retrain
    assert manifest["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["metrics"]["test"]["extras"]["table"]["QN (% notes >= 3 steps)"]["real"] == 100.0
    assert manifest["metrics"]["test"]["model"] == "musegan-hybrid" and "QN_mean" in manifest["metrics"]["test"]["real"]
    yardstick = manifest["metrics"]["test"]["yardstick"]
    assert yardstick["settings"]["excerpts"] == 12 and 0.0 <= yardstick["headline"]["floor"]["accuracy"] <= 1.0
    assert torch.load(path, weights_only=True)["optimizer"] is None
    capsys.readouterr()
    assert main(["ship", str(path), "--corpus", "jazz"]) == 2  # a shipped file cannot be shipped again
    assert "already shipped" in capsys.readouterr().err


def test_evaluate_measures_100_excerpts_by_default_and_prints_the_yardstick(monkeypatch, capsys):
    import companion.data
    from companion import zoo
    from companion.cli import main

    asked = {}
    sets = {name: {"classifier": {"features": {"accuracy": accuracy, "ci": [accuracy - 0.05, accuracy + 0.05]}},
                   "copy_rate": 1.0 if name == "copy" else 0.0, "copy_rate_ci": [0.0, 1.0]}
            for name, accuracy in (("generated", 0.93), ("floor", 0.51), ("copy", 0.49))}  # fmt: skip

    def fake_evaluate(model, corpus, **options):
        asked.update(options)
        return {"nll": 1.0, "yardstick": {"settings": {"excerpts": options["excerpts"], "bars": 8}, "sets": sets}}

    monkeypatch.setattr(companion.data, "load_corpus", lambda *a, **k: None)  # the measuring is not the point
    monkeypatch.setattr(zoo, "evaluate", fake_evaluate)
    assert main(["evaluate", "gpt-chords:jsb", "--corpus", "jsb"]) == 0
    assert asked["excerpts"] == 100
    printed = capsys.readouterr().out
    assert "100 8-bar excerpts per set" in printed
    rows = {line.split()[0]: line.split()[1] for line in printed.splitlines() if line.startswith("  ")}
    assert (rows["generated"], rows["floor"], rows["copy"]) == ("0.93", "0.51", "0.49")
