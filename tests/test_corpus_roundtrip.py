"""Every Bach chorale and every jazz piece survives Song -> MIDI -> Song and Song -> roll -> Song
with identical notes at its grid."""

from __future__ import annotations

import pytest

from companion import load_corpus, read_midi
from companion.codecs import pianoroll
from companion.midi import midi_bytes


def notes_of(song):
    return [t.notes for t in song.canonical().tracks]


@pytest.mark.parametrize("name", ["bach", "jazz"])
def test_whole_corpus_round_trips_through_midi_and_roll(name):
    corpus = load_corpus(name)
    grids = set()
    for song in corpus.songs:
        from_midi = read_midi(midi_bytes(song))
        assert notes_of(from_midi) == notes_of(song), song.title
        assert from_midi.chords == song.chords, song.title
        grid = song.grid()
        grids.add(grid)
        from_roll = pianoroll.decode(pianoroll.encode(song, grid), resolution=song.resolution)
        assert notes_of(from_roll) == notes_of(song), song.title
    assert max(grids) <= 24  # the chorales need at most 32nds (8 per beat); the jazz 12 (triplets)


def test_jazz_lives_on_the_12_step_grid_and_loses_notes_on_16ths():
    jazz = load_corpus("jazz", num_bars=64)
    assert all(song.is_on_grid(12) for song in jazz.songs)
    report = pianoroll.roundtrip_report(jazz.songs[0], steps_per_beat=4)
    assert report["changed"] > 0  # swing eighths do not fit a 16th grid
