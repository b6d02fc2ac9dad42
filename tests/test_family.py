"""The family protocol (companion.family): one training skeleton, one load, one measurement path."""

from __future__ import annotations

import pytest
import torch

from companion import family, zoo
from companion.data import Corpus, load_corpus
from companion.family import FamilyError
from companion.song import Note, Song, Track


def test_a_three_step_gpt_run_gives_the_weights_it_gave_before_the_protocol(one_thread, weights_off_golden):
    # the golden run was recorded on main before companion.family existed (see tests/conftest.py)
    checkpoint = zoo.train("gpt-chords", load_corpus("bach"), steps=3, seed=1, show_progress=False)
    assert weights_off_golden(checkpoint, "gpt-chords:bach", tolerance=1e-3) == []


def test_every_family_reads_its_recipe_from_a_json_file():
    settings = family.recipe("gpt-events", "jazz")
    assert settings["steps"] >= 1 and settings["recipe"]["file"] == "companion/recipes/gpt-events.json"
    assert len(settings["recipe"]["sha256"]) == 64
    assert family.recipe("gpt-events", "folder")["gpt"] == family.recipe("gpt-events", "bach")["gpt"]


def test_bad_input_names_the_problem():
    with pytest.raises(FamilyError, match="steps must be >= 1"):
        zoo.train("gpt-chords", load_corpus("bach"), steps=0)
    with pytest.raises(FamilyError, match="bars must be >= 1"):
        zoo.generate(zoo.load("gpt-chords:bach"), bars=0)
    with pytest.raises(FamilyError, match="no split"):
        zoo.evaluate(zoo.load("gpt-chords:bach"), load_corpus("bach"), split="nope")


def test_a_checkpoint_s_training_record_is_read_through_the_zoo():
    record = zoo.provenance("gpt-chords:jsb")  # no network built: what the returns sweep reads
    assert record == zoo.load("gpt-chords:jsb").provenance and record["steps"] >= 1
    with pytest.raises(zoo.ModelError, match="no shipped checkpoint"):
        zoo.provenance("gpt-chords:nope")


def test_threads_are_set_for_the_run_and_restored(one_thread):
    checkpoint = zoo.train("gpt-chords", load_corpus("bach"), steps=1, seed=0, threads=2, show_progress=False)
    assert checkpoint["train"]["torch_threads"] == 2
    assert torch.get_num_threads() == 1


# ---------------------------------------------------------------------- one measurement path
def hand_made_chorale(shift: int, bars: int = 8) -> Song:
    """Four voices in their SATB registers moving by step on the beat, ``shift`` semitones up."""
    ticks = 480
    voices = {"Soprano": 72, "Alto": 67, "Tenor": 60, "Bass": 48}
    tracks = []
    for name, base in voices.items():
        notes = [Note(beat * ticks, base + shift + (beat % 3), ticks, 80) for beat in range(4 * bars)]
        tracks.append(Track(name, 52, False, notes))
    return Song(tracks=tracks, resolution=ticks, title=f"hand-made {shift}")


class SameSongs:
    """Make a loaded model's family sample the given songs (and score against the split as it is)."""

    def __init__(self, loaded, songs):
        base = type(loaded.family)

        class Fixed(base):
            def sample(self, loaded, count, *, bars, seed, temperature):
                return [s.copy() for s in songs[:count]]

            def view(self, loaded, corpus, split):
                return list(corpus.splits[split])

        loaded.family = Fixed()
        self.loaded = loaded


def test_two_families_given_the_same_songs_get_the_same_metrics():
    songs = [hand_made_chorale(shift) for shift in (0, 2, 4, 5)]
    corpus = Corpus("bach", {"train": songs[:2], "valid": songs[2:3], "test": songs[3:]})
    gpt = SameSongs(zoo.load("gpt-chords:bach"), songs).loaded
    musegan = SameSongs(zoo.load("musegan-hybrid:bach"), songs).loaded
    assert type(gpt.family).__mro__[1] is not type(musegan.family).__mro__[1]  # two different families
    first = zoo.evaluate(gpt, corpus, songs=4, bars=8, extras=False)
    second = zoo.evaluate(musegan, corpus, songs=4, bars=8, extras=False)
    assert first["generated"] == second["generated"] and first["real"] == second["real"]
    assert set(first["generated"]) == set(second["generated"]) and first["generated"]["songs"] == 4
    assert first["generated"]["register_adherence_mean"] == 1.0  # the corpus's registers, for both


# ---------------------------------------------------------------------- the lesson measurements' path
def test_a_measurement_picks_its_recipe_file_and_samples_through_the_zoo(one_thread):
    # the lesson-04/05 sweeps train on JSB with recipes/<model>.json (recipe=None), not the polyphonic recipe
    jsb = load_corpus("jsb")
    swept = zoo.train("gpt-chords", jsb, steps=1, seed=0, recipe=None, show_progress=False)
    assert swept["train"]["recipe"]["file"] == "companion/recipes/gpt-chords.json"
    assert family.recipe("gpt-chords", "jsb") != zoo.family("gpt-chords").recipe("gpt-chords", "jsb")
    songs = zoo.sample(swept, 2, bars=2, seed=0)  # one batch, what zoo.evaluate measures
    assert len(songs) == 2 and all(s.end_tick <= 2 * s.ticks_per_bar for s in songs)
    with pytest.raises(zoo.ModelError, match="temperature"):
        zoo.sample(swept, 1, temperature=0.0)
