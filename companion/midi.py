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

Used by notebooks 00_tour and 01_representing_music, and by every lesson that writes MIDI.
"""

from __future__ import annotations

import io
import math
import os
import stat
import struct
from collections import defaultdict, deque
from pathlib import Path

import mido

from .errors import MidiError
from .files import write_atomically
from .song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Tempo, TimeSignature, Track

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Files larger than this are refused before parsing (the largest piano MIDI files are ~1 MB)."""

MAX_BEATS = 1_000_000
"""A note or event later than this many beats (about 4.6 hours at 60 bpm) is refused as absurd."""

MAX_EVENTS = 500_000
"""Events (notes count twice: on and off) a file may hold, all tracks together: about 250,000 notes
(real piano files hold well under 100,000); the reader keeps one small tuple per event."""

MAX_VLQ_BYTES = 4
"""The standard's longest variable-length quantity (0x0FFFFFFF); longer ones are refused."""

MAX_TEMPO_US = 0xFFFFFF
"""The largest tempo a MIDI file can hold, in microseconds per beat (3.58 bpm)."""

MAX_DENOMINATOR = 128
"""Time-signature denominators are powers of two, 1..128 (read and write alike)."""

DRUM_CHANNEL = 9  # "channel 10" counting from one

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


def _key_ok(payload: bytes) -> bool:
    """A key-signature payload mido can decode: sharps (+) or flats (-) -7..7, mode 0 or 1."""
    return len(payload) >= 2 and payload[1] in (0, 1) and (payload[0] <= 7 or payload[0] >= 256 - 7)


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


def _to_song(midi_tracks: list[list[tuple]], resolution: int, name: str, strict: bool, repairs: list[str]) -> Song:
    max_tick = MAX_BEATS * resolution
    tempos: list[Tempo] = []
    signatures: list[TimeSignature] = []
    chords: list[ChordLabel] = []
    track_names: dict[int, str] = {}
    programs: dict[tuple[int, int], int] = {}
    notes: dict[tuple[int, int], list[Note]] = defaultdict(list)

    def problem(text: str) -> None:
        if strict:
            raise MidiError(f"{name}: {text} (read with strict=False to repair)")
        repairs.append(text)

    track_end = 0
    for index, mtrack in enumerate(midi_tracks):
        tick = 0
        sounding: dict[tuple[int, int], deque[tuple[int, int]]] = defaultdict(deque)
        for delta, status, a, b in mtrack:
            tick += delta
            if tick > max_tick:
                raise MidiError(
                    f"{name}: absurd tick value {tick:,} in track {index} "
                    f"(more than {MAX_BEATS:,} beats at {resolution} ticks per beat)"
                )
            kind, channel = (status & 0xF0, status & 0x0F) if status < 0xF0 else (status, 0)
            if kind == 0x90 and b > 0:
                sounding[(channel, a)].append((tick, b))
            elif kind in (0x80, 0x90):
                queue = sounding.get((channel, a))
                if not queue:
                    problem(f"note-off without note-on (track {index}, pitch {a}, tick {tick})")
                    continue
                start, velocity = queue.popleft()
                if tick == start:
                    problem(f"zero-length note (track {index}, pitch {a}, tick {tick})")
                    continue
                notes[(index, channel)].append(Note(start, a, tick - start, velocity))
            elif kind == 0xC0:
                programs.setdefault((index, channel), a)
            elif kind == 0xFF and a in (0x51, 0x58) and len(b) < (3 if a == 0x51 else 2):
                what = "tempo" if a == 0x51 else "time signature"
                raise MidiError(f"{name}: corrupt MIDI data (a {what} of {len(b)} byte(s) in track {index})")
            elif kind == 0xFF and a == 0x51:
                microseconds = int.from_bytes(b[:3], "big")
                if microseconds < 1:
                    problem(f"tempo of 0 microseconds per beat (track {index}, tick {tick})")
                    continue
                tempos.append(Tempo(tick, _bpm(microseconds)))
            elif kind == 0xFF and a == 0x58:
                numerator, denominator = b[0], 2 ** b[1]
                if not _meter_ok(numerator, denominator):
                    problem(f"time signature {numerator}/{_short(denominator)} (track {index}, tick {tick})")
                    continue
                signatures.append(TimeSignature(tick, numerator, denominator))
            elif kind == 0xFF and a == 0x59 and not _key_ok(b):
                problem(f"key signature {b.hex()} is not one MIDI defines (track {index}, tick {tick})")
            elif kind == 0xFF and a == 0x03 and b.decode("latin-1").strip():
                track_names.setdefault(index, b.decode("latin-1").strip())
            elif kind == 0xFF and a == 0x06 and b.startswith(b"chord:"):
                chords.append(_parse_chord(b.decode("latin-1"), tick, name))
        track_end = max(track_end, tick)
        for (channel, pitch), queue in sounding.items():
            for start, velocity in queue:
                problem(f"note never released (track {index}, pitch {pitch}, tick {start})")
                if tick > start:
                    notes[(index, channel)].append(Note(start, pitch, tick - start, velocity))

    tracks = []
    for index, channel in sorted(notes):
        base = track_names.get(index, f"track {index}")
        channels = sorted(c for i, c in notes if i == index)
        track_name = base if len(channels) == 1 else f"{base} (ch {channel + 1})"
        tracks.append(
            Track(
                name=track_name,
                program=programs.get((index, channel), 0),
                is_drum=channel == DRUM_CHANNEL,
                notes=sorted(notes[(index, channel)]),
            )
        )
    song = Song(
        tracks=tracks,
        resolution=resolution,
        tempos=_dedupe(sorted(tempos, key=lambda t: t.tick)) or [Tempo(0, 120.0)],
        time_signatures=_dedupe(sorted(signatures, key=lambda t: t.tick)) or [TimeSignature(0, 4, 4)],
        chords=sorted(chords, key=lambda c: c.tick),
        title=Path(name).stem if name != "<bytes>" else "",
    )
    # Trailing silence (the last end-of-track later than every note) is part of the song.
    if track_end > song.end_tick:
        song.length = track_end
    return song


def _meter_ok(numerator: int, denominator: int) -> bool:
    """Meters MIDI can hold and a bar can be built from: numerator 1..255, denominator a power of
    two 1..:data:`MAX_DENOMINATOR` (the same limits on read and write)."""
    return 1 <= numerator <= 255 and 1 <= denominator <= MAX_DENOMINATOR and denominator & (denominator - 1) == 0


def _short(number: int) -> str:
    return str(number) if number < 10**6 else f"2^{int(math.log2(number))}"


def _tempo_us(bpm: float) -> int | None:
    """Microseconds per beat of ``bpm`` as written, or None where MIDI cannot hold it."""
    if not math.isfinite(bpm) or bpm <= 0:
        return None
    us = round(60_000_000 / bpm)
    return us if 1 <= us <= MAX_TEMPO_US else None


def _bpm(microseconds_per_beat: int) -> float:
    """The shortest decimal bpm that writes back to the same microseconds per beat (90, not 89.99996)."""
    exact = 60_000_000 / max(microseconds_per_beat, 1)
    for digits in range(7):
        bpm = round(exact, digits)
        if bpm > 0 and round(60_000_000 / bpm) == microseconds_per_beat:
            return bpm
    return exact


def _dedupe(events: list) -> list:
    """Keep the last event at each tick (a file may restate a tempo at the same tick)."""
    out: list = []
    for event in events:
        if out and out[-1].tick == event.tick:
            out[-1] = event
        else:
            out.append(event)
    return out


def _parse_chord(text: str, tick: int, name: str) -> ChordLabel:
    try:
        _, label, duration = text.split(":")
        root = max((p for p in PITCH_CLASS_NAMES if label.startswith(p)), key=len)
        return ChordLabel(tick, int(duration), PITCH_CLASS_NAMES.index(root), label[len(root) :])
    except ValueError:
        raise MidiError(f"{name}: malformed chord marker {text!r} at tick {tick}") from None


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
