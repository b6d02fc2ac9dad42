"""MIDI events -> :class:`~companion.song.Song`: what the bounded reader of :mod:`companion.midi` found,
interpreted (notes matched first-in first-out, programs, tempos, meters, keys, track names and our chord
markers), with the same limits on meter and tempo that :func:`companion.midi.write_midi` applies.

With ``strict=True`` a zero-length note, a note-off without a note-on, a note never released or a bad
meter, tempo or key is a :class:`~companion.errors.MidiError`; with ``strict=False`` it is repaired and
described in ``repairs``.

Used by notebooks 00_tour and 01_representing_music, and by every lesson that reads MIDI (through
:func:`companion.midi.read_midi`).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import MidiError
from .song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Tempo, TimeSignature, Track

MAX_BEATS = 1_000_000
"""A note or event later than this many beats (about 4.6 hours at 60 bpm) is refused as absurd."""

MAX_DENOMINATOR = 128
"""Time-signature denominators are powers of two, 1..128 (read and write alike)."""

DRUM_CHANNEL = 9  # "channel 10" counting from one


@dataclass
class _Found:
    """What the tracks of one file hold, gathered track by track."""

    tempos: list[Tempo] = field(default_factory=list)
    signatures: list[TimeSignature] = field(default_factory=list)
    chords: list[ChordLabel] = field(default_factory=list)
    track_names: dict[int, str] = field(default_factory=dict)
    programs: dict[tuple[int, int], int] = field(default_factory=dict)
    notes: dict[tuple[int, int], list[Note]] = field(default_factory=lambda: defaultdict(list))


def _to_song(midi_tracks: list[list[tuple]], resolution: int, name: str, strict: bool, repairs: list[str]) -> Song:
    """The song of a file's events (``(delta, status, a, b)`` per track, as the reader gives them)."""

    def problem(text: str) -> None:
        if strict:
            raise MidiError(f"{name}: {text} (read with strict=False to repair)")
        repairs.append(text)

    found = _Found()
    track_end = 0
    for index, mtrack in enumerate(midi_tracks):
        track_end = max(track_end, _read_track(index, mtrack, found, resolution, name, problem))
    return _assemble(found, resolution, name, track_end)


def _read_track(
    index: int, mtrack: list[tuple], found: _Found, resolution: int, name: str, problem: Callable[[str], None]
) -> int:
    """Gather one track's notes and meta events into ``found``; returns the track's last tick."""
    max_tick = MAX_BEATS * resolution
    notes = found.notes
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
            found.programs.setdefault((index, channel), a)
        elif kind == 0xFF:
            _meta(index, tick, a, b, found, name, problem)
    for (channel, pitch), queue in sounding.items():
        for start, velocity in queue:
            problem(f"note never released (track {index}, pitch {pitch}, tick {start})")
            if tick > start:
                notes[(index, channel)].append(Note(start, pitch, tick - start, velocity))
    return tick


def _meta(index: int, tick: int, a: int, b: bytes, found: _Found, name: str, problem: Callable[[str], None]) -> None:
    """One meta event of type ``a`` with payload ``b``: tempo, meter, key, track name or chord marker."""
    if a in (0x51, 0x58) and len(b) < (3 if a == 0x51 else 2):
        what = "tempo" if a == 0x51 else "time signature"
        raise MidiError(f"{name}: corrupt MIDI data (a {what} of {len(b)} byte(s) in track {index})")
    if a == 0x51:
        microseconds = int.from_bytes(b[:3], "big")
        if microseconds < 1:
            problem(f"tempo of 0 microseconds per beat (track {index}, tick {tick})")
            return
        found.tempos.append(Tempo(tick, _bpm(microseconds)))
    elif a == 0x58:
        numerator, denominator = b[0], 2 ** b[1]
        if not _meter_ok(numerator, denominator):
            problem(f"time signature {numerator}/{_short(denominator)} (track {index}, tick {tick})")
            return
        found.signatures.append(TimeSignature(tick, numerator, denominator))
    elif a == 0x59 and not _key_ok(b):
        problem(f"key signature {b.hex()} is not one MIDI defines (track {index}, tick {tick})")
    elif a == 0x03 and b.decode("latin-1").strip():
        found.track_names.setdefault(index, b.decode("latin-1").strip())
    elif a == 0x06 and b.startswith(b"chord:"):
        found.chords.append(_parse_chord(b.decode("latin-1"), tick, name))


def _assemble(found: _Found, resolution: int, name: str, track_end: int) -> Song:
    """The song: one track per (MIDI track, channel) that has notes, in file order."""
    notes = found.notes
    tracks = []
    for index, channel in sorted(notes):
        base = found.track_names.get(index, f"track {index}")
        channels = sorted(c for i, c in notes if i == index)
        track_name = base if len(channels) == 1 else f"{base} (ch {channel + 1})"
        tracks.append(
            Track(
                name=track_name,
                program=found.programs.get((index, channel), 0),
                is_drum=channel == DRUM_CHANNEL,
                notes=sorted(notes[(index, channel)]),
            )
        )
    song = Song(
        tracks=tracks,
        resolution=resolution,
        tempos=_dedupe(sorted(found.tempos, key=lambda t: t.tick)) or [Tempo(0, 120.0)],
        time_signatures=_dedupe(sorted(found.signatures, key=lambda t: t.tick)) or [TimeSignature(0, 4, 4)],
        chords=sorted(found.chords, key=lambda c: c.tick),
        title=Path(name).stem if name != "<bytes>" else "",
    )
    # Trailing silence (the last end-of-track later than every note) is part of the song.
    if track_end > song.end_tick:
        song.length = track_end
    return song


def _key_ok(payload: bytes) -> bool:
    """A key-signature payload mido can decode: sharps (+) or flats (-) -7..7, mode 0 or 1."""
    return len(payload) >= 2 and payload[1] in (0, 1) and (payload[0] <= 7 or payload[0] >= 256 - 7)


def _meter_ok(numerator: int, denominator: int) -> bool:
    """Meters MIDI can hold and a bar can be built from: numerator 1..255, denominator a power of
    two 1..:data:`MAX_DENOMINATOR` (the same limits on read and write)."""
    return 1 <= numerator <= 255 and 1 <= denominator <= MAX_DENOMINATOR and denominator & (denominator - 1) == 0


def _short(number: int) -> str:
    return str(number) if number < 10**6 else f"2^{int(math.log2(number))}"


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
