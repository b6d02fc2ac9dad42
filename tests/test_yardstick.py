"""The yardstick (companion.yardstick): tests that fail when it cannot tell music from music."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from scipy.stats import gaussian_kde

from companion import yardstick
from companion.data import load_corpus
from companion.song import Song
from companion.yardstick import classify, core, distances
from companion.yardstick.features import feature_table, sample_excerpts, tune_families

N = 80


@pytest.fixture(scope="module")
def jazz():
    return load_corpus("jazz", num_bars=2400)


@pytest.fixture(scope="module")
def two_draws(jazz):
    """N real 8-bar excerpts from each of two disjoint halves of the jazz training songs (as the floor
    draws from two disjoint splits), and their groups (tune families). The two draws come from the
    same music, so "within the interval of 0.5" is a 95 % event: seeded, it holds here."""
    rng = np.random.default_rng(0)
    half = len(jazz.train) // 2
    families = np.array(tune_families(jazz.train))
    a, ga, _ = sample_excerpts(jazz.train[:half], N, 8, rng)
    b, gb, _ = sample_excerpts(jazz.train[half:], N, 8, rng)
    return a, families[:half][ga], b, families[half:][gb]


def _prepared(songs: list[Song], groups) -> core._Prepared:
    return core._prepare(core.ExcerptSet("x", songs, np.asarray(groups), "test"), 8)


def _drums_as_pitched(song: Song) -> Song:
    """Only the drums, relabelled as a pitched part (their key numbers read as pitches)."""
    drums = [t for t in song.copy().tracks if t.is_drum]
    for t in drums:
        t.is_drum = False
    return song.copy(tracks=drums)


def test_kde_is_scipys_gaussian_kde():
    x = np.random.default_rng(1).gamma(2.0, size=300)
    grid = np.linspace(-1, 12, 64)
    assert np.allclose(distances.kde(x, grid), gaussian_kde(x)(grid), rtol=1e-10, atol=1e-12)


def test_a_distance_sample_narrower_than_the_grid_still_has_a_density():
    # every distance within the set is 3.0 give or take 1e-4, the other set spreads over 0-100: the
    # KDE of the first underflows at every grid point; its mass must land on the nearest one, not NaN
    rng = np.random.default_rng(0)
    within = 3.0 + rng.normal(0.0, 1e-4, 50)
    between = np.concatenate([np.full(50, 3.0), np.linspace(0.0, 100.0, 50)])
    oa, kl = distances._compare(within, between, rng)
    assert np.isfinite(oa) and np.isfinite(kl)
    assert 0.0 <= oa < 0.5 and kl > 1.0


def test_set_against_itself_overlaps_fully_and_is_at_chance(two_draws):
    a, ga, b, gb = two_draws
    pa = _prepared(a, ga)
    same = distances.overlap(pa.table, pa.table, boots=10)
    assert same["mean_oa"] > 0.95 and same["mean_kl"] < 0.05
    # Two disjoint draws of the same real music: overlap near 1, both classifiers within 0.5's interval.
    pb = _prepared(b, gb)
    other = distances.overlap(pa.table, pb.table, boots=10)
    assert other["mean_oa"] > 0.85
    for test in (classify.feature_test, classify.roll_test):
        result = test(pa.vectors if test is classify.feature_test else pa.rolls,
                      pb.vectors if test is classify.feature_test else pb.rolls, pa.groups, pb.groups)  # fmt: skip
        low, high = result["ci"]
        assert low <= 0.5 <= high, (test.__name__, result)
    identical = classify.feature_test(pa.vectors, pa.vectors, pa.groups, pa.groups)
    assert identical["accuracy"] == 0.5  # twins share a fold: one of each pair is right


def test_octave_transposition_and_drums_are_told_apart(two_draws):
    a, ga, _, _ = two_draws
    pa = _prepared(a, ga)
    up = [s.transpose(12) for s in a]
    pu = _prepared(up, 10_000 + np.arange(len(up)))
    shifted = distances.overlap(pa.table, pu.table, boots=0)
    assert shifted["features"]["mean_pitch"]["oa"] < 0.3  # the register feature sees the octave
    assert classify.feature_test(pa.vectors, pu.vectors, pa.groups, pu.groups)["accuracy"] > 0.9
    assert classify.roll_test(pa.rolls, pu.rolls, pa.groups, pu.groups, steps=40)["accuracy"] > 0.9
    drums = [_drums_as_pitched(s) for s in a]
    pd = _prepared(drums, 10_000 + np.arange(len(drums)))
    assert distances.overlap(pa.table, pd.table, boots=0)["mean_oa"] < 0.5
    assert classify.feature_test(pa.vectors, pd.vectors, pa.groups, pd.groups)["accuracy"] > 0.95


def test_baselines_copy_rate_and_frechet(jazz, two_draws):
    a, ga, _, _ = two_draws
    index = core.CopyIndex(jazz.train)
    sets = yardstick.baselines(jazz.train, n=40, seed=3)
    copies = np.array([index.counts(s) for s in sets["copy"].songs])
    assert copies[:, 1].sum() > 0 and copies[:, 0].sum() == copies[:, 1].sum()  # copy rate 1.0
    assert np.array([index.counts(s)[0] for s in sets["random"].songs]).sum() == 0
    assert all(s.num_bars == 8 for name in sets for s in sets[name].songs)
    pa = _prepared(a, ga)
    fd_copy = distances.frechet_distance(pa.vectors, _prepared(sets["copy"].songs, sets["copy"].groups).vectors)
    fd_random = distances.frechet_distance(pa.vectors, _prepared(sets["random"].songs, sets["random"].groups).vectors)
    assert fd_copy["ci"][0] <= fd_copy["value"] <= fd_copy["ci"][1]
    assert fd_random["value"] > 5 * fd_copy["value"]


def test_folds_keep_groups_whole_and_classes_balanced():
    labels = np.r_[np.zeros(100, int), np.ones(100, int)]
    groups = np.r_[np.arange(100) // 3, 1000 + np.arange(100)]
    fold = classify.folds(labels, groups, 5, seed=0)
    for g in np.unique(groups):
        assert len(set(fold[groups == g].tolist())) == 1
    for f in range(5):
        assert abs((labels[fold == f] == 0).sum() - (labels[fold == f] == 1).sum()) <= 3


def test_measure_is_deterministic_json_and_documented(jazz):
    generated = [s.transpose(12) for s in jazz.train]  # a stand-in "model": real music an octave up
    options = dict(excerpts=30, seed=5, boots=20, overlap_boots=5, roll_steps=15, roll_cpu_seconds=None,
                   nll={"nll_nats_per_token": 1.5}, guaranteed=["QN"])  # fmt: skip
    first = yardstick.measure(jazz.train, jazz.test, generated, **options)
    second = yardstick.measure(jazz.train, jazz.test, generated, **options)
    first.pop("cost"), second.pop("cost")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert set(first["sets"]) == {"generated", "floor", "random", "shuffled", "copy"}
    assert first["sets"]["copy"]["copy_rate"] == 1.0 and first["reference"]["copy_rate"] == 1.0
    assert first["nll"] == {"nll_nats_per_token": 1.5} and first["guaranteed"] == ["QN"]
    # jazz has ground-truth chords: every real-derived set is scored against them too, the random
    # baseline's score being the chance level.
    assert first["chance"]["chord_tone_rate_ground_truth"] < first["sets"]["floor"]["chord_tone_rate_ground_truth"]
    for result in first["sets"].values():
        assert result["excerpts"] == 30
        assert set(result["overlap"]["features"]) == set(yardstick.FEATURES)
        assert result["classifier"]["features"]["ci"][0] <= result["classifier"]["features"]["accuracy"]
    assert first["headline"]["generated"]["accuracy"] > 0.8
    doc = yardstick.__doc__
    for key in ("headline", "settings", "reference", "sets", "nll", "guaranteed", "chance", "cost", "mean_oa",
                "copy_rate_ci", "budget_hit", "chord_tone_rate_ground_truth"):  # fmt: skip
        assert f"``{key}``" in doc, key


def test_guaranteed_flags_a_16th_note_grid():
    assert yardstick.guaranteed_for({"codec": {"steps_per_beat": 4}}) == ["QN"]
    assert yardstick.guaranteed_for({"codec": {"steps_per_beat": 12}}) == []
    assert yardstick.guaranteed_for({"codec": None}) == []


def test_features_of_a_known_excerpt(small_song):
    table = feature_table([small_song])
    assert table["note_count"][0, 0] == 7  # drums left out
    assert table["pitch_range"][0, 0] == 77 - 36
    assert table["pitch_class_histogram"][0].sum() == pytest.approx(1.0)
    assert table["pitch_class_transition_matrix"][0].sum() == pytest.approx(1.0)


def test_per_track_overlap_sees_one_part_moved(two_draws):
    a, _, _, _ = two_draws
    moved = []
    for song in a:
        tracks = [t if t.name != "bass" else replace(t, notes=[replace(n, pitch=n.pitch + 24) for n in t.notes])
                  for t in song.tracks]  # fmt: skip
        moved.append(song.copy(tracks=tracks))
    result = yardstick.per_track_overlap(a, moved)
    assert "drums" not in result and result["melody"]["mean_oa"] > 0.95
    assert result["bass"]["features"]["mean_pitch"]["oa"] < 0.3
