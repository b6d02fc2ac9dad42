"""pypianoroll and music21 interop, checked against the libraries themselves."""

import numpy as np
import pypianoroll
import pytest

from companion import Note, Song, Track
from companion.interop import from_multitrack, from_music21, to_multitrack, to_music21


def test_song_to_multitrack_carries_tempo_and_velocity(small_song):
    multitrack = to_multitrack(small_song, steps_per_beat=12)
    assert multitrack.resolution == 12
    assert multitrack.tempo[0] == 120.0 and multitrack.tempo[-1] == 90.0  # the seed's missing "fs"
    melody = multitrack.tracks[0]
    assert melody.program == 66 and melody.pianoroll[0, 72] == 100 and melody.pianoroll[12, 72] == 90
    assert multitrack.tracks[2].is_drum


def test_multitrack_back_to_song_merges_only_repeated_notes(small_song):
    back = from_multitrack(to_multitrack(small_song, 12), resolution=480)
    assert back.tempos[-1].bpm == 90.0 and back.tempos[-1].tick == 1440
    original = small_song.canonical()
    assert back.tracks[1].notes == original.tracks[1].notes  # bass: no repeated notes, exact
    assert len(back.tracks[0].notes) == len(original.tracks[0].notes) - 1  # the repeated C5 merged


def test_pypianoroll_writes_and_reads_our_multitrack(small_song, tmp_path):
    path = tmp_path / "via_pypianoroll.mid"
    to_multitrack(small_song, 12).write(str(path))
    again = pypianoroll.read(str(path), resolution=12)
    ours = to_multitrack(small_song, 12).tracks[1].pianoroll > 0
    theirs = again.tracks[1].pianoroll > 0
    assert np.array_equal(theirs[: len(ours)], ours) and not theirs[len(ours) :].any()
    back = from_multitrack(again)  # pypianoroll's reader gives a (steps, 1) tempo array
    assert back.tracks[1].notes[0].pitch == 36 and all(t.bpm > 0 for t in back.tempos)


def test_music21_round_trip_keeps_notes(small_song):
    score = to_music21(small_song)
    assert len(score.parts) == 3
    back = from_music21(score, resolution=480)
    assert [t.notes for t in back.tracks[:2]] == [
        [Note(n.start, n.pitch, n.duration, n.velocity) for n in t.notes] for t in small_song.canonical().tracks[:2]
    ]


def test_music21_pickup_bar_is_padded_to_the_bar_line():
    from music21 import corpus

    score = corpus.parse("bach/bwv269")  # 3/4, starts with a one-beat pickup
    song = from_music21(score, title="bwv269")
    first = min(n.start for n in song.tracks[0].notes)
    assert song.ticks_per_bar == 3 * 480
    assert first == 2 * 480  # the pickup sits on beat 3 of an otherwise empty first bar


def test_an_empty_score_is_a_data_error():
    from music21 import stream

    from companion import DataError

    with pytest.raises(DataError, match="no notes"):
        from_music21(stream.Score(), title="empty")


def test_empty_multitrack_gives_an_empty_song():
    song = from_multitrack(pypianoroll.Multitrack(resolution=12, tracks=[]))
    assert isinstance(song, Song) and song.num_notes == 0 and song.tracks == []


def test_a_binary_track_gets_a_default_velocity():
    track = pypianoroll.BinaryTrack(pianoroll=np.zeros((24, 128), bool))
    track.pianoroll[:12, 60] = True
    song = from_multitrack(pypianoroll.Multitrack(resolution=12, tracks=[track]))
    assert song.tracks[0].notes == [Note(0, 60, 480, 100)]
    assert isinstance(song.tracks[0], Track)


def test_three_four_time_survives_the_multitrack_round_trip(small_song):
    back = from_multitrack(to_multitrack(small_song, 12))
    assert (back.time_signatures[0].numerator, back.time_signatures[0].denominator) == (3, 4)
