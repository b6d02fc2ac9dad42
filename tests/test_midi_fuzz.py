"""Fuzzing the MIDI reader: any bytes give a Song or a MidiError -- never another exception, a hang
or a giant allocation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import MidiError, Song, read_midi
from companion.midi import midi_bytes


def _read_or_error(data: bytes) -> None:
    try:
        song = read_midi(data, strict=False)
    except MidiError as exc:
        assert str(exc).startswith("<bytes>:")
    else:
        assert isinstance(song, Song)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_random_bytes(data):
    _read_or_error(data)


@settings(max_examples=300, deadline=2000)
@given(st.binary(min_size=1, max_size=400))
def test_random_bytes_after_a_valid_header(tail):
    _read_or_error(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0" + tail)


@settings(max_examples=400, deadline=2000)
@given(st.data())
def test_mutations_of_a_real_file(small_song_bytes, data):
    raw = bytearray(small_song_bytes)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    _read_or_error(bytes(raw[:cut]) if data.draw(st.booleans()) else bytes(raw))


@pytest.fixture(scope="module")
def small_song_bytes():
    from companion import Note, Tempo, Track

    song = Song(
        [
            Track("a", 0, False, [Note(i * 120, 60 + i % 12, 120, 80) for i in range(16)]),
            Track("d", 0, True, [Note(i * 240, 42, 60, 90) for i in range(8)]),
        ],
        tempos=[Tempo(0, 120.0), Tempo(960, 80.0)],
    )
    return midi_bytes(song)
