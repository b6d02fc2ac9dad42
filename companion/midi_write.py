""":class:`~companion.song.Song` -> MIDI bytes: type 1 files, written with mido, that DAWs and music21 open.

Keeps the resolution, the tempo map, the time signatures and the chord labels (as ``marker`` meta
events ``chord:<name>:<ticks>``); a song MIDI cannot hold (a pitch, velocity, program, tempo or meter
out of range) is refused with :class:`~companion.errors.MidiError` before anything is written, and a
file is written whole or not at all.

Used by notebooks 00_tour and 01_representing_music, and by every lesson that writes MIDI (through
:mod:`companion.midi`).
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path

import mido

from .errors import MidiError
from .files import write_atomically
from .midi_events import DRUM_CHANNEL, MAX_DENOMINATOR, _meter_ok
from .song import Song

PathLike = str | os.PathLike

MAX_TEMPO_US = 0xFFFFFF
"""The largest tempo a MIDI file can hold, in microseconds per beat (3.58 bpm)."""


def _tempo_us(bpm: float) -> int | None:
    """Microseconds per beat of ``bpm`` as written, or None where MIDI cannot hold it."""
    if not math.isfinite(bpm) or bpm <= 0:
        return None
    us = round(60_000_000 / bpm)
    return us if 1 <= us <= MAX_TEMPO_US else None


def song_to_midifile(song: Song) -> mido.MidiFile:
    """The :class:`mido.MidiFile` (type 1) that :func:`write_midi` saves."""
    _check_song(song)
    midi = mido.MidiFile(type=1, ticks_per_beat=song.resolution)
    conductor: list[tuple[int, int, mido.Message]] = []
    for ts in song.time_signatures:
        conductor.append(
            (ts.tick, 0, mido.MetaMessage("time_signature", numerator=ts.numerator, denominator=ts.denominator))
        )
    for tempo in song.tempos:
        conductor.append((tempo.tick, 1, mido.MetaMessage("set_tempo", tempo=_tempo_us(tempo.bpm))))
    for chord in song.chords:
        conductor.append((chord.tick, 2, mido.MetaMessage("marker", text=f"chord:{chord.name}:{chord.duration}")))
    head = [mido.MetaMessage("track_name", name=song.title or "companion")]
    midi.tracks.append(_delta_track(head, conductor, end=song.length))

    pitched_channels = [c for c in range(16) if c != DRUM_CHANNEL]
    next_channel = 0
    for track in song.tracks:
        if track.is_drum:
            channel = DRUM_CHANNEL
        else:
            channel = pitched_channels[next_channel % len(pitched_channels)]
            next_channel += 1
        head = [
            mido.MetaMessage("track_name", name=track.name),
            mido.Message("program_change", channel=channel, program=track.program),
        ]
        events = []
        for n in track.notes:
            events.append((n.start, 1, mido.Message("note_on", channel=channel, note=n.pitch, velocity=n.velocity)))
            events.append((n.end, 0, mido.Message("note_off", channel=channel, note=n.pitch, velocity=0)))
        midi.tracks.append(_delta_track(head, events, end=song.length))
    return midi


def _delta_track(head: list, events: list[tuple[int, int, mido.Message]], end: int | None = None) -> mido.MidiTrack:
    """Sort (tick, order, message) events -- note-offs before note-ons at a tick -- into delta times;
    the end-of-track event goes at ``end`` when that is later (a song's declared length)."""
    track = mido.MidiTrack(head)
    last = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1], getattr(e[2], "note", 0))):
        track.append(msg.copy(time=tick - last))
        last = tick
    track.append(mido.MetaMessage("end_of_track", time=max(0, (end or 0) - last)))
    return track


def _check_song(song: Song) -> None:
    where = song.title or "song"
    if not 1 <= song.resolution <= 0x7FFF:
        raise MidiError(f"{where}: resolution {song.resolution} cannot be written (1..32767 ticks per beat)")
    for tempo in song.tempos:
        if _tempo_us(tempo.bpm) is None:
            raise MidiError(f"{where}: tempo {tempo.bpm} bpm at tick {tempo.tick} cannot be written (3.58 bpm or more)")
    for ts in song.time_signatures:
        if not _meter_ok(ts.numerator, ts.denominator):
            raise MidiError(f"{where}: time signature {ts.numerator}/{ts.denominator} at tick {ts.tick} cannot be "
                            f"written (numerator 1..255, denominator a power of two 1..{MAX_DENOMINATOR})")  # fmt: skip
    for track in song.tracks:
        for n in track.notes:
            if not (0 <= n.pitch <= 127 and 1 <= n.velocity <= 127 and n.start >= 0 and n.duration > 0):
                raise MidiError(f"{where}: track {track.name!r} has a note MIDI cannot hold: {n}")
        if not 0 <= track.program <= 127:
            raise MidiError(f"{where}: track {track.name!r} has program {track.program} (0..127)")


def midi_bytes(song: Song) -> bytes:
    """The bytes :func:`write_midi` would write (deterministic: same song, same bytes)."""
    buffer = io.BytesIO()
    song_to_midifile(song).save(file=buffer)
    return buffer.getvalue()


def write_midi(song: Song, path: PathLike) -> Path:
    """Write ``song`` as a type 1 MIDI file, whole or not at all (temporary file + rename); returns
    the path. Raises MidiError for notes, tempos or meters MIDI cannot hold (pitch outside 0..127,
    velocity outside 1..127, non-positive duration) and for a folder that is missing or read-only."""
    return write_atomically(path, midi_bytes(song), MidiError)
