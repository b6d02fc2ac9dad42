"""The piano-roll codec: exact at its grid with onsets, honest about what a binary roll loses."""

import numpy as np
import pytest

from companion import CodecError, Note, Song, Track
from companion.codecs import pianoroll


def test_round_trip_is_exact_at_the_grid(small_song):
    roll = pianoroll.encode(small_song, steps_per_beat=12)
    assert roll.active.shape == (3, 54, 128)  # 3 tracks, 4.5 beats x 12 steps, 128 pitches
    back = pianoroll.decode(roll, resolution=480)
    assert [t.notes for t in back.tracks] == [t.notes for t in small_song.canonical().tracks]
    assert back.tempos == small_song.tempos and back.time_signatures == small_song.time_signatures


def test_a_binary_roll_alone_merges_repeated_notes(small_song):
    roll = pianoroll.encode(small_song, steps_per_beat=12)
    roll.onsets = roll.velocities = None  # what a model outputs: on/off cells only
    melody = pianoroll.decode(roll, resolution=480).tracks[0].notes
    assert melody[0] == Note(0, 72, 960, 90)  # the two C5 quarter notes became one half note
    report = pianoroll.roundtrip_report(small_song, 12, binary_only=True)
    assert report["notes_in"] - report["notes_out"] == 1


def test_off_grid_notes_are_refused_unless_quantised(small_song):
    with pytest.raises(CodecError, match="off the 4-steps-per-beat grid"):
        pianoroll.encode(small_song, steps_per_beat=4)
    report = pianoroll.roundtrip_report(small_song, 4)
    assert report["changed"] > 0  # the triplet moved to 16ths


def test_pitch_window_and_cap_are_enforced(small_song):
    with pytest.raises(CodecError, match="outside the roll's range"):
        pianoroll.encode(small_song, 12, lowest_pitch=48, num_pitches=36)
    huge = Song([Track("a", notes=[Note(0, 60, 480), Note(480 * 10_000_000, 60, 480)])], title="huge")
    with pytest.raises(CodecError, match="huge: a roll of .* over the"):
        pianoroll.encode(huge, 12)


def test_a_window_of_pitches_and_a_fixed_length():
    song = Song([Track("a", notes=[Note(0, 24, 480), Note(480, 107, 960)])])
    roll = pianoroll.encode(song, 12, lowest_pitch=24, num_pitches=84, num_steps=24)
    assert roll.active.shape == (1, 24, 84)
    assert roll.active[0, :12, 0].all() and roll.active[0, 12:, 83].all()
    assert pianoroll.decode(roll).tracks[0].notes[-1] == Note(480, 107, 480, 90)  # cut at the window


def test_decoding_rejects_a_wrong_shape():
    roll = pianoroll.Roll(np.zeros((4, 4), bool), None, None, 12, 0, [], [], [])
    with pytest.raises(CodecError, match="expected"):
        pianoroll.decode(roll)
