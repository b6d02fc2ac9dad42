"""MIDI bytes <-> :class:`~companion.song.Song`: read by a small bounded reader of our own (mido's
reading rules), written with mido.

Reads type 0 and type 1 files (running status, several tempo changes, note-on with velocity 0 as
note-off, overlapping same-pitch notes matched first-in first-out, drums on channel 10) and writes
type 1 files that DAWs and music21 open, keeping resolution, tempo map, time signatures and chord
labels (as ``marker`` meta events ``chord:<name>:<ticks>``).

Bad input never escapes as a struct, OS or formatting error: it becomes :class:`companion.MidiError`
with the file name and the problem. Guards come first, so hostile bytes cost little: only regular
files are opened, and at most :data:`MAX_FILE_BYTES` + 1 bytes are read; the chunk structure is
checked before any event, every variable-length quantity is at most 4 bytes and a file holds at most
:data:`MAX_EVENTS` events (the memory budget of a song), counted as they are read (:func:`_tracks`).
Meter, key and tempo are validated on read with the same limits :func:`write_midi` applies, so a
file that reads can be written back.

The module is split by concept, every name importable from here as before: the bounded byte reader
(here), :mod:`companion.midi_events` (the events read as a song) and :mod:`companion.midi_write` (a
song written as a file).

Used by notebooks 00_tour and 01_representing_music, and by every lesson that writes MIDI.
"""

from __future__ import annotations

import os
import stat
import struct

from .errors import MidiError
from .midi_events import (  # noqa: F401  (re-exported: the names this module always had)
    DRUM_CHANNEL,
    MAX_BEATS,
    MAX_DENOMINATOR,
    _assemble,
    _bpm,
    _dedupe,
    _Found,
    _key_ok,
    _meta,
    _meter_ok,
    _parse_chord,
    _read_track,
    _short,
    _to_song,
)
from .midi_write import (  # noqa: F401
    MAX_TEMPO_US,
    _check_song,
    _delta_track,
    _tempo_us,
    midi_bytes,
    song_to_midifile,
    write_midi,
)
from .song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Tempo, TimeSignature, Track  # noqa: F401

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Files larger than this are refused before parsing (the largest piano MIDI files are ~1 MB)."""

MAX_EVENTS = 500_000
"""Events (notes count twice: on and off) a file may hold, all tracks together: about 250,000 notes
(real piano files hold well under 100,000); the reader keeps one small tuple per event."""

MAX_VLQ_BYTES = 4
"""The standard's longest variable-length quantity (0x0FFFFFFF); longer ones are refused."""

PathLike = str | os.PathLike


def _chunks(data: bytes, name: str) -> tuple[int, int, int]:
    """Validate the chunk structure cheaply; return (format, declared tracks, division)."""
    if len(data) == 0:
        raise MidiError(f"{name}: empty file (0 bytes), not a MIDI file")
    if data[:4] != b"MThd":
        raise MidiError(f"{name}: not a MIDI file (no 'MThd' header; starts with {data[:4]!r})")
    if len(data) < 14:
        raise MidiError(f"{name}: truncated MIDI header ({len(data)} bytes, need 14)")
    header_len = struct.unpack(">L", data[4:8])[0]
    if header_len < 6:
        raise MidiError(f"{name}: corrupt MIDI header (length {header_len}, need 6)")
    fmt, declared, division = struct.unpack(">HHH", data[8:14])
    if fmt not in (0, 1):
        raise MidiError(f"{name}: MIDI format {fmt} is not supported (only type 0 and type 1)")
    if division & 0x8000:
        raise MidiError(f"{name}: SMPTE time division is not supported (only ticks per beat)")
    if division == 0:
        raise MidiError(f"{name}: ticks per beat is 0 in the header")
    pos, found = 8 + header_len, 0
    while pos + 8 <= len(data):
        size = struct.unpack(">L", data[pos + 4 : pos + 8])[0]
        if data[pos : pos + 4] == b"MTrk":
            found += 1
        pos += 8 + size
    if found < declared or pos > len(data):
        raise MidiError(
            f"{name}: truncated or corrupt: the header declares {declared} track(s), "
            f"{found} complete track chunk(s) found"
        )
    return fmt, declared, division


_CHANNEL_LENGTHS = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}
_SYSTEM_LENGTHS = {0xF1: 1, 0xF2: 2, 0xF3: 1, 0xF6: 0, 0xF8: 0, 0xFA: 0, 0xFB: 0, 0xFC: 0, 0xFE: 0}


def _vlq(data: bytes, pos: int, end: int, name: str, track: int) -> tuple[int, int]:
    """A variable-length quantity at ``pos`` (at most :data:`MAX_VLQ_BYTES` bytes); (value, next pos)."""
    value = 0
    for i in range(pos, min(pos + MAX_VLQ_BYTES, end)):
        byte = data[i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + 1
    if pos + MAX_VLQ_BYTES > end:
        raise MidiError(f"{name}: corrupt MIDI data (truncated variable-length number in track {track})")
    raise MidiError(
        f"{name}: corrupt MIDI data (variable-length number longer than {MAX_VLQ_BYTES} bytes in track {track})"
    )


def _tracks(data: bytes, header_end: int, declared: int, name: str) -> list[list[tuple]]:
    """The events of the header's ``declared`` track chunks, read the way mido reads them (running
    status, sysex, system and meta events), as ``(delta, status, a, b)``: for channel messages the
    two data bytes, for meta events (status 0xFF) the type and the payload. Every variable-length
    number is at most :data:`MAX_VLQ_BYTES` bytes, every length stays inside its chunk and a file
    holds at most :data:`MAX_EVENTS` events, so hostile bytes cost little time and memory."""

    def corrupt(reason: str) -> MidiError:
        return MidiError(f"{name}: corrupt MIDI data ({reason} in track {index})")

    tracks, events, pos = [], 0, header_end
    for index in range(declared):
        size = struct.unpack(">L", data[pos + 4 : pos + 8])[0]
        if data[pos : pos + 4] != b"MTrk":
            raise corrupt(f"chunk {data[pos : pos + 4]!r} where a track should start")
        at, end, status, track = pos + 8, pos + 8 + size, None, []
        pos = end
        while at < end:
            delta, at = _vlq(data, at, end, name, index)
            if at >= end:
                raise corrupt("the chunk ends inside an event")
            byte = data[at]
            if byte < 0x80:
                if status is None:
                    raise corrupt("running status without a status byte")
                kind = status
            else:
                kind, at = byte, at + 1
                if byte != 0xFF:
                    status = byte
            if kind == 0xFF:
                if at >= end:
                    raise corrupt("the chunk ends inside a meta event")
                meta = data[at]
                length, at = _vlq(data, at + 1, end, name, index)
                track.append((delta, 0xFF, meta, data[at : at + length]))
                at += length
            elif kind in (0xF0, 0xF7):
                length, at = _vlq(data, at + (byte < 0x80), end, name, index)
                track.append((delta, kind, 0, 0))
                at += length
            else:
                if kind >= 0xF0 and kind not in _SYSTEM_LENGTHS:
                    raise corrupt(f"undefined status byte 0x{kind:02x}")
                count = _SYSTEM_LENGTHS[kind] if kind >= 0xF0 else _CHANNEL_LENGTHS[kind & 0xF0]
                values = data[at : at + count]
                at += count
                if len(values) < count or (values and max(values) > 0x7F):
                    raise corrupt(f"a data byte out of 0..127 or missing after status 0x{kind:02x}")
                track.append((delta, kind, values[0] if count else 0, values[1] if count > 1 else 0))
            events += 1
            if events > MAX_EVENTS:
                raise MidiError(
                    f"{name}: more than {MAX_EVENTS:,} events (the memory budget of one song); "
                    "split the file or reduce it"
                )
        if at > end:
            raise corrupt("an event runs past the end of the chunk")
        tracks.append(track)
    return tracks


def _read_file(source: PathLike, name: str) -> bytes:
    """At most :data:`MAX_FILE_BYTES` + 1 bytes of a regular file (never a device, FIFO or folder)."""
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise MidiError(f"{name}: cannot read file ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
            raise MidiError(f"{name}: {kind}, not a MIDI file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise MidiError(f"{name}: cannot read file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    return data


def read_midi(source: PathLike | bytes, *, strict: bool = True, repairs: list[str] | None = None) -> Song:
    """Read a standard MIDI file into a :class:`Song`.

    Args:
        source: a path, or the file's bytes.
        strict: raise :class:`MidiError` on zero-length notes, note-offs without a note-on and
            notes never released. With ``strict=False`` those are repaired (dropped, ignored,
            closed at the track's end) and each repair is described in ``repairs``.
        repairs: a list that receives one line per repair (only with ``strict=False``).

    Returns:
        The song: one track per (MIDI track, channel) that has notes, in file order.

    Raises:
        MidiError: unreadable, truncated, oversized or unsupported input, with the file's name.
    """
    if isinstance(source, (bytes, bytearray)):
        name, data = "<bytes>", bytes(source)
    else:
        name = str(source)
        data = _read_file(source, name)
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data):,} bytes is" if isinstance(source, (bytes, bytearray)) else "more than that is"
        raise MidiError(f"{name}: {size} larger than the {MAX_FILE_BYTES:,}-byte limit")
    _, declared, resolution = _chunks(data, name)
    tracks = _tracks(data, 8 + struct.unpack(">L", data[4:8])[0], declared, name)
    return _to_song(tracks, resolution, name, strict, repairs if repairs is not None else [])
