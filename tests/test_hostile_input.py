"""Hostile and careless input beyond the MIDI reader (issue 13): folders, caches, checkpoints, flags
and signals. Each test is one row of the issue's table; the MIDI rows are in test_midi.py and the
fuzz harness in test_midi_fuzz.py. Bad input ends in exit 2 and one line on stderr, never a
traceback, a hang or a giant allocation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import torch
from test_midi import header, track, vlq

from companion import Note, Song, Tempo, TimeSignature, Track, read_midi, write_midi, zoo
from companion.checkpoint import CheckpointError
from companion.cli import main
from companion.data import Corpus, _read_song_cache, _write_song_cache, load_corpus


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def chorale(title: str, numerator: int = 4, bars: int = 4) -> Song:
    notes = [Note(i * 480, 60 + (i * 5) % 12, 480, 80) for i in range(bars * numerator)]
    return Song([Track("piano", 0, False, notes)], resolution=480, tempos=[Tempo(0, 100.0)],
                time_signatures=[TimeSignature(0, numerator, 4)], title=title)  # fmt: skip


def a_999000_beat_gap() -> Song:
    """The issue's 90-byte file: one note, then another 999,000 beats later."""
    events = b"\x00\x90\x3c\x50\x60\x80\x3c\x00" + vlq(999_000 * 96) + b"\x90\x3e\x50\x60\x80\x3e\x00"
    data = header(0, 1) + track(events)
    assert len(data) < 100
    song = read_midi(data)
    song.title, song.tracks[0].name = "gap.mid", "piano"
    return song


# ---------------------------------------------------------------- rows 1 and 7: folders
def test_one_hostile_file_is_skipped_not_fatal_for_a_folder(tmp_path):
    write_midi(chorale("good"), tmp_path / "good.mid")
    (tmp_path / "long-number.mid").write_bytes(header(0, 1) + track(b"\x81" * 2100 + b"\x00\x90\x3c\x50"))
    corpus = load_corpus("folder", path=tmp_path)
    assert [s.title for s in corpus.songs] == ["good.mid"]
    assert [(os.path.basename(f), "longer than 4 bytes" in r) for f, r in corpus.skipped] == [("long-number.mid", True)]


def test_gpt_events_skips_and_lists_a_song_in_a_meter_it_cannot_write():
    from companion.pipelines import gpt

    songs = [chorale(f"song{i}") for i in range(6)] + [chorale("one-four.mid", numerator=1)]
    corpus = Corpus("folder", {"train": songs, "valid": songs[:1], "test": songs[:1]})
    config = {"gpt": {"max_len": 64, "d_model": 16, "num_heads": 2, "num_layers": 1, "d_ff": 32},
              "lm": {"batch_size": 2, "context": 64, "eval_every": 0}}  # fmt: skip
    checkpoint = gpt.train("gpt-events", corpus, steps=1, config=config, show_progress=False)
    assert checkpoint["train"]["skipped"] == ["one-four.mid: time signature 1/4 is not one the codec writes"]
    assert checkpoint["train"]["train_sequences"] == 6


# ---------------------------------------------------------------- row 9: a song too long to draw
def test_a_999000_beat_gap_is_refused_by_the_image_codec_and_skipped_by_both_gans():
    from companion.codecs import image
    from companion.codecs.image_codec import ImageCodec
    from companion.pipelines import musegan

    gap = a_999000_beat_gap()
    with pytest.raises(image.CodecError, match="gap.mid: .* cells of image roll, over the"):
        image.windows(gap)
    good = chorale("good")
    skipped: list[str] = []
    clips = ImageCodec().clips([good, gap], skipped=skipped)
    assert len(clips) == len(ImageCodec().encode(good)) and len(skipped) == 1 and skipped[0].startswith("gap.mid")
    phrases = musegan.Phrases([good, gap])
    assert phrases.bars == 4 and phrases.skipped[0].startswith("gap.mid (")


# ---------------------------------------------------------------- rows 10 and 11: generate's flags
@pytest.mark.parametrize("temperature", ["nan", "inf", "1e-30", "0", "-1", "11"])
def test_temperatures_outside_0_05_to_10_are_one_line_and_exit_2(temperature, tmp_path, capsys):
    out = tmp_path / "x.mid"
    assert main(["generate", "gpt-events:jazz", "--temperature", temperature, "--out", str(out)]) == 2
    assert "choose a number from 0.05 to 10" in one_line(capsys.readouterr().err)
    assert not out.exists()
    with pytest.raises(zoo.ModelError):
        zoo.generate(zoo.load("musegan-hybrid:jazz"), bars=1, temperature=float(temperature))


@pytest.mark.parametrize("option", ["--png", "--wav", "--out"])
def test_an_output_in_a_missing_folder_is_one_line_and_nothing_is_written(option, tmp_path, capsys):
    paths = {"--out": tmp_path / "x.mid", "--png": tmp_path / "x.png", "--wav": tmp_path / "x.wav"}
    paths[option] = tmp_path / "nodir" / f"x{paths[option].suffix}"
    argv = ["generate", "musegan-hybrid:jazz", "--bars", "1"] + [a for k, v in paths.items() for a in (k, str(v))]
    assert main(argv) == 2
    assert (
        one_line(capsys.readouterr().err)
        == f"companion: error: {paths[option]}: cannot write file (no folder {paths[option].parent})"
    )
    assert list(tmp_path.iterdir()) == []  # neither the other outputs nor a half-written one


def test_a_failed_write_leaves_no_temporary_file(small_song, tmp_path):
    from companion.plot import save_png

    (tmp_path / "taken").mkdir()
    with pytest.raises(Exception, match="taken: cannot write file"):
        write_midi(small_song, tmp_path / "taken")  # a folder in the way: the rename fails
    with pytest.raises(Exception, match="nodir/x.png: cannot write file"):
        save_png(small_song, tmp_path / "nodir" / "x.png")
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


# ---------------------------------------------------------------- rows 12 and 14: checkpoints
@pytest.mark.parametrize("label", ["musegan-hybrid", "image-gan"])
def test_gpt_weights_under_a_gan_label_are_refused_naming_the_file(label, tmp_path, capsys):
    path = tmp_path / "relabelled.pt"
    torch.save({**zoo.load("gpt-chords:jsb").checkpoint, "model": label}, path)
    with pytest.raises(CheckpointError, match=f"relabelled.pt: not a checkpoint of {label}"):
        zoo.load(path)
    assert main(["generate", str(path), "--out", str(tmp_path / "x.mid")]) == 2
    assert "relabelled.pt" in one_line(capsys.readouterr().err)


def test_gan_weights_under_a_gpt_label_are_refused_naming_the_file(tmp_path):
    path = tmp_path / "relabelled.pt"
    checkpoint = zoo.load("musegan-hybrid:jazz").checkpoint
    torch.save({**checkpoint, "model": "gpt-events", "config": {**checkpoint["config"], "gpt": {}}}, path)
    with pytest.raises(CheckpointError, match="relabelled.pt: its weights do not fit a gpt-events network"):
        zoo.load(path)


def test_every_shipped_checkpoint_passes_the_family_check():
    for spec in zoo.shipped_checkpoints():
        assert zoo.load(spec)["model"] == spec.split(":")[0]


def test_a_raw_pickle_is_refused_in_one_line_of_our_own(tmp_path):
    import collections
    import pickle

    path = tmp_path / "raw.pt"
    path.write_bytes(pickle.dumps(collections.OrderedDict(a=1), protocol=4))
    done = subprocess.run([sys.executable, "-m", "companion", "generate", str(path), "--out", str(tmp_path / "x.mid")],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    line = one_line(done.stderr)  # no UserWarning from torch before it
    assert line.startswith(f"companion: error: {path}: refused: not a companion checkpoint")
    assert "weights_only" not in line


# ---------------------------------------------------------------- row 13: the song cache
@pytest.mark.parametrize("damage", ["truncated", "emptied", "inconsistent", "not a zip"])
def test_a_damaged_song_cache_reads_as_missing_so_it_is_rebuilt(damage, tmp_path):
    cache = tmp_path / "bach.npz"
    _write_song_cache(cache, [chorale("a"), chorale("b")])
    assert [s.title for s in _read_song_cache(cache)] == ["a", "b"]
    if damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:300])
    elif damage == "emptied":
        cache.write_bytes(b"")
    elif damage == "inconsistent":  # note rows point at a third song the metadata does not have
        import numpy as np

        with np.load(cache) as archive:
            notes, meta = archive["notes"].copy(), archive["meta"]
        notes[-1, 0] = 2
        np.savez(cache, notes=notes, meta=meta)
    else:
        cache.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert _read_song_cache(cache) is None


def test_an_unwritable_cache_folder_means_no_cache_not_an_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    _write_song_cache(blocker / "bach.npz", [chorale("a")])  # mkdir fails: no exception, no file
    assert blocker.read_text() == "" and list(tmp_path.iterdir()) == [blocker]


# ---------------------------------------------------------------- row 15: another corpus
def test_evaluating_on_another_corpus_warns_or_with_strict_exits_2(monkeypatch, capsys):
    import companion.data

    assert main(["evaluate", "gpt-chords:jsb", "--corpus", "jazz", "--strict"]) == 2
    assert "trained on jsb, evaluated on jazz" in one_line(capsys.readouterr().err)
    monkeypatch.setattr(companion.data, "load_corpus", lambda *a, **k: None)  # the measuring is not the point
    monkeypatch.setattr(zoo, "evaluate", lambda *a, **k: {"nll": 1.0})
    assert main(["evaluate", "gpt-chords:jsb", "--corpus", "jazz", "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == {"nll": 1.0}
    assert one_line(out.err).startswith("companion: warning: gpt-chords:jsb: trained on jsb, evaluated on jazz")


# ---------------------------------------------------------------- row 17: inspect and data stay light
def test_inspect_and_data_never_import_torch(small_song, tmp_path):
    write_midi(small_song, tmp_path / "song.mid")
    code = (
        "import sys; from companion.cli import main; "
        f"assert main(['inspect', {str(tmp_path / 'song.mid')!r}]) == 0; "
        f"assert main(['data', 'folder', '--path', {str(tmp_path)!r}, '--json']) == 0; "
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------- row 18: interrupted training
def test_sigterm_stops_the_language_model_trainer_after_the_step_and_it_saves():
    from companion.models.gpt import GPT, GPTConfig
    from companion.train import Budget
    from companion.train.interrupt import stop_on_signals
    from companion.train.lm import LMConfig, train_lm

    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=6, max_len=8, d_model=16, num_heads=2, num_layers=1, d_ff=32))
    saved: list[int] = []

    def on_checkpoint(state: dict) -> None:
        saved.append(state["step"])
        if saved == [1, 2, 3]:  # once: a second signal would stop at once, unsaved
            os.kill(os.getpid(), signal.SIGTERM)

    seqs = [[1, 4, 5, 3, 5, 4, 2, 4, 4, 5, 2]] * 4
    config = LMConfig(batch_size=2, context=8, eval_every=0, track_train=False)
    with stop_on_signals() as stop:
        result = train_lm(model, seqs, seqs[:1], config, Budget(10_000), on_checkpoint=on_checkpoint,
                          checkpoint_every=1, show_progress=False)  # fmt: skip
    assert stop.signal == "SIGTERM" and result.steps == 3
    assert saved[:3] == [1, 2, 3] and set(saved[3:]) == {3}  # then the final evaluation and save, of step 3
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers restored


def test_train_saves_on_sigterm_exits_130_and_resumes(tmp_path, monkeypatch, capsys):
    import companion.family as musegan  # every family's checkpoints are saved by companion.family

    save, sent = musegan.save_checkpoint, []

    def save_then_terminate_at_step_2(path, checkpoint):
        save(path, checkpoint)
        if checkpoint["train"]["steps"] == 2 and not sent:  # once: a second signal stops at once, unsaved
            sent.append(os.kill(os.getpid(), signal.SIGTERM))

    monkeypatch.setattr(musegan, "save_checkpoint", save_then_terminate_at_step_2)
    out = tmp_path / "hybrid.pt"
    argv = ["train", "musegan-hybrid", "--corpus", "jazz", "--out", str(out), "--threads", "1"]
    assert main(argv + ["--steps", "1000", "--checkpoint-every", "1"]) == 130
    assert one_line(capsys.readouterr().err) == (
        f"companion: SIGTERM: stopped at step 2, saved {out} (continue with --resume)"
    )
    saved = torch.load(out, weights_only=True)
    assert saved["train"]["steps"] == 2 and saved["optimizer"]
    assert main(argv + ["--steps", "3", "--resume"]) == 0
    assert torch.load(out, weights_only=True)["train"]["steps"] == 3


def test_checkpoint_every_must_be_a_positive_number_of_steps(capsys):
    assert main(["train", "musegan-hybrid", "--corpus", "jazz", "--checkpoint-every", "0", "--steps", "1"]) == 2
    assert "checkpoint interval 0" in one_line(capsys.readouterr().err)
