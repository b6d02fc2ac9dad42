"""MuseGAN through the family protocol (issue 12): the same weights as before the refactor, a CPU-second
budget that stops a run and a resumed run that continues, and the phrase-roll codec's plain data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from companion import family, load_corpus
from companion.checkpoint import load_checkpoint
from companion.codecs import base
from companion.codecs.phrases import PhraseRollCodec, Phrases
from companion.pipelines import musegan

CHECKPOINTS = Path(musegan.__file__).resolve().parents[1] / "checkpoints"
TINY = {"z_dim": 8, "g_channels": 16, "d_channels": 4}


def test_three_steps_give_the_weights_recorded_before_the_refactor(weights_off_golden):
    checkpoint = family.train(musegan.FAMILY, "musegan-hybrid", load_corpus("bach"), steps=3, seed=1, threads=1,
                              show_progress=False)  # fmt: skip
    # a GAN's tolerance is wider than a GPT's: see tests/conftest.py
    assert weights_off_golden(checkpoint, "musegan-hybrid:bach", tolerance=0.5) == []


@pytest.fixture(scope="module")
def small_jazz():
    return load_corpus("jazz", num_bars=64)


def test_a_cpu_budget_stops_the_run_and_a_resumed_run_continues(small_jazz, tmp_path):
    out = tmp_path / "hybrid.pt"
    options = {"steps": 10**9, "seed": 0, "out": out, "threads": 1, "overrides": {"config": TINY},
               "show_progress": False}  # fmt: skip
    first = family.train(musegan.FAMILY, "musegan-hybrid", small_jazz, max_cpu_seconds=3, **options)
    steps = first["train"]["steps"]
    assert 1 <= steps < 10**9 and first["train"]["cpu_seconds"] >= 3 and first["train"]["max_cpu_seconds"] == 3
    assert load_checkpoint(out)["train"]["steps"] == steps
    second = family.train(musegan.FAMILY, "musegan-hybrid", small_jazz, max_cpu_seconds=6, resume=True, **options)
    assert second["train"]["steps"] > steps and second["train"]["cpu_seconds"] >= 6
    assert len(second["train"]["history"]["d_loss"]) == second["train"]["steps"]


def test_snapshots_and_max_bars_arrive_as_overrides(small_jazz):
    checkpoint = family.train(musegan.FAMILY, "musegan-jamming", small_jazz, steps=2, seed=0, threads=1,
                              overrides={"config": TINY, "snapshot_every": 1, "max_bars": 16},
                              show_progress=False)  # fmt: skip
    assert [step for step, _ in checkpoint["train"]["snapshots"]] == [1, 2]
    assert checkpoint["train"]["snapshots"][0][1].dtype == torch.bool
    assert checkpoint["train"]["max_bars"] == 16 and checkpoint["train"]["train_bars"] == 16


def test_unknown_models_are_refused():
    with pytest.raises(family.FamilyError, match="no model 'musegan-x'"):
        family.train(musegan.FAMILY, "musegan-x", load_corpus("jazz", num_bars=64), steps=1)


def test_the_codec_reads_old_checkpoints_and_writes_their_dict_back():
    old = load_checkpoint(CHECKPOINTS / "musegan-hybrid-bach.pt")["codec"]
    assert "codec" not in old
    codec = base.from_dict(old, default="phrase-roll")
    assert isinstance(codec, PhraseRollCodec) and codec.to_dict() == {"codec": "phrase-roll", **old}
    assert PhraseRollCodec.from_dict(codec.to_dict()).to_dict() == codec.to_dict()
    assert codec.sampling_rate == pytest.approx(12 * old["bpm"] / 60)


def test_the_codec_encodes_a_song_and_decodes_its_roll(small_jazz):
    phrases = Phrases(small_jazz.train)
    codec = phrases.codec()
    song = small_jazz.train[0]
    roll = codec.encode(song)
    assert roll.shape == (5, song.num_bars, 48, 84) and roll.dtype == bool
    assert np.array_equal(roll, phrases.rolls[:, : song.num_bars].numpy())
    back = codec.decode(roll, title="back")
    assert back.title == "back" and np.array_equal(codec.encode(back), roll)
