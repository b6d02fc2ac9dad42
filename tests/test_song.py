"""The neutral Song type: sizes, the tempo map, the grid, edits."""

import pytest

from companion import Note, Song, Tempo, TimeSignature, Track
from companion.song import pitch_name


def test_pitch_names_follow_scientific_pitch_notation():
    assert pitch_name(60) == "C4"
    assert pitch_name(36) == "C2"
    assert pitch_name(21) == "A0"


def test_sizes_of_a_small_song(small_song):
    assert small_song.num_notes == 10
    assert small_song.end_tick == 2160
    assert small_song.ticks_per_bar == 1440  # 3/4 at 480 ticks per beat
    assert small_song.num_bars == 2


def test_tempo_map_converts_ticks_to_seconds_and_back(small_song):
    # 3 beats at 120 bpm = 1.5 s, then 1.5 beats at 90 bpm = 1.0 s
    assert small_song.tick_to_seconds(1440) == pytest.approx(1.5)
    assert small_song.tick_to_seconds(2160) == pytest.approx(2.5)
    assert small_song.seconds_to_tick(2.5) == pytest.approx(2160)
    assert small_song.duration_seconds == pytest.approx(2.5)


def test_grid_is_the_coarsest_that_holds_every_note(small_song):
    assert small_song.grid() == 12  # triplet eighths (160 ticks) and 16ths of 120 ticks need 12 steps
    assert small_song.is_on_grid(12) and small_song.is_on_grid(24)
    assert not small_song.is_on_grid(4)


def test_transpose_moves_pitches_but_not_drums(small_song):
    up = small_song.transpose(2)
    assert [n.pitch for n in up.tracks[0].notes][:2] == [74, 74]
    assert up.tracks[2].notes == small_song.tracks[2].notes
    assert small_song.tracks[0].notes[0].pitch == 72  # the original is untouched


def test_crop_cuts_notes_at_the_window():
    song = Song([Track("a", notes=[Note(0, 60, 960), Note(960, 62, 960)])])
    cropped = song.crop(480, 1440)
    assert cropped.tracks[0].notes == [Note(0, 60, 480), Note(480, 62, 480)]


def test_crop_keeps_what_sounds_in_the_window_and_shares_no_list():
    notes = [Note(0, 60, 480, 70), Note(480, 61, 0), Note(480, 62, 480), Note(900, 63, 600, 100), Note(1440, 64, 10),
             Note(100, 65, 380), Note(0, 66, 2000)]  # fmt: skip
    song = Song([Track("a", 5, False, notes)], time_signatures=[TimeSignature(0, 3, 4)])
    cropped = song.crop(480, 1440)
    expected = [Note(max(n.start, 480) - 480, n.pitch, min(n.end, 1440) - max(n.start, 480), n.velocity)
                for n in notes if min(n.end, 1440) > max(n.start, 480)]  # fmt: skip
    assert cropped.tracks[0].notes == expected == [Note(0, 62, 480), Note(420, 63, 540, 100), Note(0, 66, 960)]
    assert (cropped.length, cropped.tracks[0].program, cropped.time_signatures) == (960, 5, song.time_signatures)
    assert cropped.time_signatures is not song.time_signatures and cropped.tempos is not song.tempos
    assert song.tracks[0].notes == notes


def test_an_empty_song_has_zero_length():
    song = Song()
    assert song.end_tick == 0 and song.num_bars == 0 and song.duration_seconds == 0
    assert song.summary()["notes"] == 0


def test_chord_at_finds_the_sounding_label():
    from companion import ChordLabel

    song = Song(
        chords=[ChordLabel(0, 960, 2, "m7"), ChordLabel(960, 960, 7, "7")],
        time_signatures=[TimeSignature(0)],
        tempos=[Tempo(0, 100)],
    )
    assert song.chord_at(100).name == "Dm7"
    assert song.chord_at(960).name == "G7"
    assert song.chord_at(5000) is None
