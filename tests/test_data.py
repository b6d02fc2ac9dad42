"""The corpora: real Bach chorales, the standard JSB split, the procedural jazz, your own folder."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from companion import DataError, load_corpus, write_midi
from companion.data import frames_to_song


@pytest.fixture(scope="module")
def bach():
    return load_corpus("bach")


def test_bach_has_the_four_part_chorales_as_soprano_alto_tenor_bass(bach):
    assert len(bach.songs) >= 350
    assert all([t.name for t in s.tracks] == ["Soprano", "Alto", "Tenor", "Bass"] for s in bach.songs)
    assert {k: len(v) for k, v in bach.splits.items()} == {"train": 293, "valid": 36, "test": 36}
    # the voices are where a choir sings them: soprano above bass on average in every chorale
    for song in bach.songs:
        soprano, *_, bass = song.tracks
        assert np.mean([n.pitch for n in soprano.notes]) > np.mean([n.pitch for n in bass.notes])


def test_bach_split_is_seeded_and_disjoint(bach):
    again = load_corpus("bach")
    assert [s.title for s in again.test] == [s.title for s in bach.test]
    other = load_corpus("bach", seed=1)
    assert [s.title for s in other.test] != [s.title for s in bach.test]
    titles = [s.title for s in bach.songs]
    assert len(titles) == len(set(titles))


def test_bach_cache_gives_the_same_songs_as_a_fresh_parse(bach):
    from companion.data import _parse_bach

    fresh = {s.title: s for s in _parse_bach(limit=5)}
    cached = {s.title: s for s in bach.songs}
    for title, song in fresh.items():
        assert cached[title] == song


def test_jsb_standard_split_matches_the_published_counts(jsb_path):
    jsb = load_corpus("jsb", path=jsb_path)
    assert {k: len(v) for k, v in jsb.splits.items()} == {"train": 229, "valid": 76, "test": 77}
    assert sum(len(f) for f in jsb.frames["test"]) == 4725
    train_sets = {tuple(np.flatnonzero(f)) for piece in jsb.frames["train"] for f in piece}
    test_sets = [tuple(np.flatnonzero(f)) for piece in jsb.frames["test"] for f in piece]
    assert len(train_sets) == 2420
    assert sum(s not in train_sets for s in test_sets) / len(test_sets) == pytest.approx(0.100, abs=0.001)


def test_jsb_songs_hold_exactly_the_benchmark_frames(jsb_path):
    from companion.codecs import pianoroll

    jsb = load_corpus("jsb", path=jsb_path)
    for frames, song in zip(jsb.frames["valid"], jsb.valid):
        roll = pianoroll.encode(song, 1, lowest_pitch=21, num_pitches=88, num_steps=len(frames))
        assert np.array_equal(roll.active[0], frames.astype(bool))


def test_jsb_pickle_format_is_read_safely(tmp_path):
    good = tmp_path / "tiny.pickle"
    good.write_bytes(pickle.dumps({"train": [[(60, 64), (62,)]], "valid": [[(60,)]], "test": [[()]]}))
    corpus = load_corpus("jsb", path=good)
    assert corpus.train[0].tracks[0].notes[0].pitch == 60

    class Exploit:
        def __reduce__(self):
            return (print, ("this must never run",))

    evil = tmp_path / "evil.pickle"
    evil.write_bytes(pickle.dumps({"train": [Exploit()], "valid": [], "test": []}))
    with pytest.raises(DataError, match="refusing to load builtins.print"):
        load_corpus("jsb", path=evil)


def test_jsb_bad_files_are_named(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_corpus("jsb", path=tmp_path / "missing.mat")
    junk = tmp_path / "junk.mat"
    junk.write_bytes(b"not a mat file")
    with pytest.raises(DataError, match="junk.mat: not a polyphonic benchmark"):
        load_corpus("jsb", path=junk)


def test_frames_to_song_merges_held_pitches():
    frames = np.zeros((3, 88), np.uint8)
    frames[:, 39] = 1  # C4 held for three frames
    song = frames_to_song(frames)
    assert [(n.pitch, n.duration) for n in song.tracks[0].notes] == [(60, 1440)]


def test_jazz_corpus_has_3000_bars_with_chord_labels():
    jazz = load_corpus("jazz")
    summary = jazz.summary()
    assert summary["bars"] == 3000
    assert summary["pieces_with_chord_labels"] == summary["pieces"]
    assert sum(len(v) for v in jazz.splits.values()) == summary["pieces"]


def test_folder_reads_your_files_and_lists_what_it_skipped(tmp_path, small_song):
    write_midi(small_song, tmp_path / "one.mid")
    (tmp_path / "sub").mkdir()
    write_midi(small_song.transpose(3), tmp_path / "sub" / "two.MIDI")
    (tmp_path / "broken.mid").write_bytes(b"MThd\x00")
    (tmp_path / "notes.txt").write_text("not music")
    corpus = load_corpus("folder", path=tmp_path)
    assert sorted(s.title for s in corpus.songs) == ["one.mid", "sub/two.MIDI"]
    assert [f.endswith("broken.mid") for f, _ in corpus.skipped] == [True]
    assert "truncated" in corpus.skipped[0][1]


def test_folder_errors(tmp_path):
    with pytest.raises(DataError, match="a path is required"):
        load_corpus("folder")
    with pytest.raises(DataError, match="not a folder"):
        load_corpus("folder", path=tmp_path / "nope")
    with pytest.raises(DataError, match="no readable MIDI files"):
        load_corpus("folder", path=tmp_path)
    with pytest.raises(DataError, match="unknown corpus 'mozart'"):
        load_corpus("mozart")
