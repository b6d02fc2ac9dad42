"""MIDI I/O: hand-made byte strings for every tricky case, round trips, and bad input."""

from __future__ import annotations

import re
import struct

import mido
import pytest

from companion import MidiError, Note, Tempo, TimeSignature, read_midi, write_midi
from companion.midi import midi_bytes


# ---------------------------------------------------------------- building MIDI bytes by hand
def vlq(value: int) -> bytes:
    """A MIDI variable-length quantity."""
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def header(fmt: int, tracks: int, division: int = 96) -> bytes:
    return b"MThd" + struct.pack(">LHHH", 6, fmt, tracks, division)


def track(events: bytes, end: bool = True) -> bytes:
    body = events + (b"\x00\xff\x2f\x00" if end else b"")
    return b"MTrk" + struct.pack(">L", len(body)) + body


def tempo(us_per_beat: int) -> bytes:
    return b"\xff\x51\x03" + us_per_beat.to_bytes(3, "big")


# ---------------------------------------------------------------- reading
def test_type0_with_running_status_and_velocity_zero_note_offs():
    # One track, channel 1: note-on C4, then (running status) note-on E4, both released by
    # note-on with velocity 0 -- the way most keyboards record.
    events = (
        b"\x00"
        + tempo(500_000)
        + b"\x00\x90\x3c\x64"  # t=0   C4 on
        + b"\x00\x40\x50"  # t=0   E4 on (running status)
        + vlq(96)
        + b"\x3c\x00"  # t=96  C4 off (velocity 0)
        + b"\x00\x40\x00"  # t=96  E4 off
    )
    song = read_midi(header(0, 1) + track(events))
    assert song.resolution == 96
    assert song.tempos[0].bpm == pytest.approx(120.0)
    assert song.tracks[0].notes == [Note(0, 60, 96, 100), Note(0, 64, 96, 80)]


def test_type1_with_several_tempo_changes_and_drums_on_channel_10():
    conductor = b"\x00" + tempo(500_000) + vlq(192) + tempo(1_000_000) + vlq(192) + tempo(400_000)
    piano = b"\x00\xc0\x05" + b"\x00\x90\x30\x40" + vlq(384) + b"\x80\x30\x00"
    drums = b"\x00\x99\x24\x70" + vlq(48) + b"\x89\x24\x00"
    song = read_midi(header(1, 3) + track(conductor) + track(piano) + track(drums))
    assert [t.bpm for t in song.tempos] == pytest.approx([120.0, 60.0, 150.0])
    assert [t.tick for t in song.tempos] == [0, 192, 384]
    piano_track, drum_track = song.tracks
    assert (piano_track.program, piano_track.is_drum) == (5, False)
    assert drum_track.is_drum and drum_track.notes == [Note(0, 36, 48, 112)]
    # 2 beats at 120 bpm (1 s) + 2 beats at 60 bpm (2 s)
    assert song.tick_to_seconds(384) == pytest.approx(3.0)


def test_overlapping_same_pitch_notes_are_matched_first_in_first_out():
    events = b"\x00\x90\x3c\x50" + vlq(10) + b"\x90\x3c\x60" + vlq(10) + b"\x80\x3c\x00" + vlq(10) + b"\x80\x3c\x00"
    song = read_midi(header(0, 1) + track(events))
    assert song.tracks[0].notes == [Note(0, 60, 20, 80), Note(10, 60, 20, 96)]


def test_a_type0_file_with_two_channels_becomes_two_tracks():
    events = b"\x00\x90\x3c\x50\x00\x91\x30\x50" + vlq(96) + b"\x80\x3c\x00\x00\x81\x30\x00"
    song = read_midi(header(0, 1) + track(events))
    assert [len(t.notes) for t in song.tracks] == [1, 1]
    assert song.tracks[0].name.endswith("(ch 1)") and song.tracks[1].name.endswith("(ch 2)")


# ---------------------------------------------------------------- writing and round trips
def test_write_then_read_keeps_notes_tempo_resolution_signature_and_chords(small_song, tmp_path):
    from companion import ChordLabel

    small_song.chords = [ChordLabel(0, 1440, 0, "maj7"), ChordLabel(1440, 720, 10, "m7b5")]
    path = write_midi(small_song, tmp_path / "small.mid")
    back = read_midi(path)
    assert [t.notes for t in back.tracks] == [t.notes for t in small_song.canonical().tracks]
    assert [(t.name, t.program, t.is_drum) for t in back.tracks] == [
        (t.name, t.program, t.is_drum) for t in small_song.tracks
    ]
    assert back.resolution == 480
    assert back.tempos == small_song.tempos
    assert back.time_signatures == small_song.time_signatures
    assert back.chords == small_song.chords


def test_written_files_open_in_mido_and_music21(small_song, tmp_path):
    import music21

    path = write_midi(small_song, tmp_path / "small.mid")
    assert mido.MidiFile(path).ticks_per_beat == 480
    score = music21.converter.parse(path)
    assert len(score.parts) == 3
    pitched = [p for p in score.flatten().pitches]
    assert 72 in [p.midi for p in pitched]


def test_writing_is_deterministic(small_song):
    assert midi_bytes(small_song) == midi_bytes(small_song.copy())


def test_abutting_repeated_notes_stay_separate(tmp_path):
    from companion import Song, Track

    song = Song([Track("a", notes=[Note(0, 60, 480), Note(480, 60, 480)])])
    assert read_midi(midi_bytes(song)).tracks[0].notes == song.tracks[0].notes


def test_notes_midi_cannot_hold_are_refused_before_writing(tmp_path):
    from companion import Song, Track

    song = Song([Track("a", notes=[Note(0, 130, 480)])], title="too-high")
    with pytest.raises(MidiError, match="too-high"):
        write_midi(song, tmp_path / "x.mid")
    assert not (tmp_path / "x.mid").exists()


# ---------------------------------------------------------------- bad input
GOOD_TRACK = track(b"\x00\x90\x3c\x50" + vlq(96) + b"\x80\x3c\x00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "not a MIDI file"),
        (b"MThd\x00\x00", "truncated MIDI header"),
        (header(1, 65535) + GOOD_TRACK, "declares 65535 track"),
        (header(0, 1) + GOOD_TRACK[:-5], "truncated or corrupt"),
        (header(0, 1) + track(b"\x00\x3c\x50"), "corrupt MIDI data"),  # running status with no status
        (header(2, 1) + GOOD_TRACK, "format 2"),
        (header(0, 1, division=0xE728) + GOOD_TRACK, "SMPTE"),
        (header(0, 1, division=0) + GOOD_TRACK, "ticks per beat is 0"),
        (header(0, 1) + track(vlq(0x0FFFFFFF) + b"\x90\x3c\x50" + vlq(1) + b"\x80\x3c\x00"), "absurd tick"),
        (header(0, 1) + track(b"\x00\x90\x3c\x50\x00\x80\x3c\x00"), "zero-length note"),
        (header(0, 1) + track(b"\x00\x80\x3c\x00"), "note-off without note-on"),
        (header(0, 1) + track(b"\x00\x90\x3c\x50" + vlq(10) + b"\xff\x01\x01a"), "never released"),
    ],
)
def test_bad_input_raises_midi_error_naming_the_problem(data, message):
    with pytest.raises(MidiError, match=message):
        read_midi(data)


def test_bad_files_are_named_in_the_message(tmp_path):
    path = tmp_path / "broken.mid"
    path.write_bytes(header(1, 3) + GOOD_TRACK)
    with pytest.raises(MidiError, match="broken.mid"):
        read_midi(path)
    with pytest.raises(MidiError, match="missing.mid: cannot read"):
        read_midi(tmp_path / "missing.mid")


def test_lenient_reading_repairs_and_reports():
    data = header(0, 1) + track(
        b"\x00\x80\x3e\x00"  # note-off without note-on: ignored
        + b"\x00\x90\x3c\x50\x00\x80\x3c\x00"  # zero-length note: dropped
        + b"\x00\x90\x40\x50"
        + vlq(96)
        + b"\x80\x40\x00"
    )
    repairs: list[str] = []
    song = read_midi(data, strict=False, repairs=repairs)
    assert song.tracks[0].notes == [Note(0, 64, 96, 80)]
    assert len(repairs) == 2 and "without note-on" in repairs[0] and "zero-length" in repairs[1]


def test_oversized_files_are_refused_before_reading(tmp_path, monkeypatch):
    import companion.midi

    monkeypatch.setattr(companion.midi, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.mid"
    path.write_bytes(header(0, 1) + track(b"\x00\xff\x01\x60" + b"a" * 96))
    with pytest.raises(MidiError, match="larger than"):
        read_midi(path)


# ---------------------------------------------------------------- hostile input (issue 13)
NOTE = b"\x00\x90\x3c\x50" + vlq(96) + b"\x80\x3c\x00"


def test_a_delta_time_of_2100_bytes_is_refused_as_an_overlong_number():
    # 2,100 continuation bytes: a tick with over 4,300 digits, which Python will not even format.
    data = header(0, 1) + track(b"\x81" * 2100 + b"\x00\x90\x3c\x50" + vlq(1) + b"\x80\x3c\x00")
    with pytest.raises(MidiError, match="longer than 4 bytes"):
        read_midi(data, strict=False)


def test_300_kb_of_0xff_inside_a_track_is_refused_at_once():
    # A meta event whose length is 300,000 bytes of 0xFF: mido would read that number in quadratic time.
    data = header(0, 1) + track(NOTE + b"\x00\xff" + b"\xff" * 300_000)
    with pytest.raises(MidiError, match="longer than 4 bytes"):
        read_midi(data, strict=False)


def test_a_song_over_the_event_budget_is_refused_before_anything_large_is_allocated(monkeypatch):
    import companion.midi

    monkeypatch.setattr(companion.midi, "MAX_EVENTS", 1000)
    with pytest.raises(MidiError, match="more than 1,000 events"):
        read_midi(header(0, 1) + track(NOTE * 600))
    assert read_midi(header(0, 1) + track(NOTE * 400)).num_notes == 400


def test_devices_fifos_and_folders_are_refused_without_reading(tmp_path):
    import os

    with pytest.raises(MidiError, match="/dev/zero: not a regular file"):
        read_midi("/dev/zero")
    fifo = tmp_path / "f.mid"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    with pytest.raises(MidiError, match="f.mid: not a regular file"):
        read_midi(fifo)
    with pytest.raises(MidiError, match="a folder"):
        read_midi(tmp_path)


def time_signature(numerator: int, power: int) -> bytes:
    return b"\x00\xff\x58\x04" + bytes([numerator, power, 24, 8])


@pytest.mark.parametrize("meter, shown", [(time_signature(0, 2), "0/4"), (time_signature(4, 255), "4/2^255")])
def test_impossible_meters_are_refused_or_dropped(meter, shown):
    data = header(0, 1) + track(meter + NOTE)
    with pytest.raises(MidiError, match=re.escape(f"time signature {shown}")):
        read_midi(data)
    repairs: list[str] = []
    song = read_midi(data, strict=False, repairs=repairs)
    assert song.time_signatures == [TimeSignature(0, 4, 4)] and song.ticks_per_bar == 4 * 96
    assert repairs == [f"time signature {shown} (track 0, tick 0)"]


def test_meters_midi_cannot_hold_are_refused_on_write(small_song, tmp_path):
    small_song.time_signatures = [TimeSignature(0, 3, 6)]
    with pytest.raises(MidiError, match="time signature 3/6"):
        write_midi(small_song, tmp_path / "x.mid")


def test_an_undefined_key_signature_is_an_error_or_a_repair():
    data = header(0, 1) + track(b"\x00\xff\x59\x02\x00\x02" + NOTE)  # mode byte 2: neither major nor minor
    with pytest.raises(MidiError, match="key signature 0002 is not one MIDI defines"):
        read_midi(data)
    repairs: list[str] = []
    assert read_midi(data, strict=False, repairs=repairs).num_notes == 1
    assert repairs == ["key signature 0002 is not one MIDI defines (track 0, tick 0)"]


def test_a_meta_event_too_short_for_its_kind_is_corrupt_data():
    short_tempo = header(0, 1) + track(b"\x00\xff\x51\x01\x07" + NOTE)  # 1 byte where mido needs 3
    with pytest.raises(MidiError, match=r"<bytes>: corrupt MIDI data \(a tempo of 1 byte\(s\) in track 0\)"):
        read_midi(short_tempo, strict=False)


def test_the_slowest_tempo_a_file_can_hold_reads_and_writes_back(tmp_path):
    song = read_midi(header(0, 1) + track(b"\x00" + tempo(0xFFFFFF) + NOTE))
    assert song.tempos[0].bpm == pytest.approx(3.5763, abs=1e-4)
    path = write_midi(song, tmp_path / "slow.mid")
    assert [m.tempo for m in mido.MidiFile(path).tracks[0] if m.type == "set_tempo"] == [0xFFFFFF]
    assert read_midi(path).tempos == song.tempos


def test_tempos_a_file_cannot_hold_are_refused_on_write(small_song, tmp_path):
    for bpm in (3.5, float("nan"), 0.0, 1e9):
        small_song.tempos = [Tempo(0, bpm)]
        with pytest.raises(MidiError, match="cannot be written"):
            write_midi(small_song, tmp_path / "x.mid")
