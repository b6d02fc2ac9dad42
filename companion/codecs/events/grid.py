"""A song on the event codec's fine grid: its notes at 1/24 beat, its chord changes and its bars.

What :meth:`companion.codecs.events.EventCodec.encode` writes, before it is written: the notes of the
kept tracks as :class:`_Event` (exact on the 24-steps-per-beat grid, or snapped to 12 steps per beat),
the chord labels (ground truth, else recognised) as (time, chord token) changes, and the bars with
their time signatures.

Used by notebooks 05_event_tokens and 06_diminishing_returns (through :mod:`companion.codecs.events`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import CodecError
from ...harmony import recognise_chords
from ...song import ChordLabel, Song, TimeSignature, Track
from ...theory import STEPS_PER_BEAT
from .vocab import CHORD0, CHORD_N, CHORD_QUALITIES, FINE_STEPS_PER_BEAT, MAX_TRACKS, TIME_SIGNATURES


@dataclass(frozen=True)
class _Event:
    """One note on the fine grid (1/24 beat), ready to be written."""

    start: int
    track: int
    pitch: int
    duration: int
    velocity: int


def fine_events(song: Song, tracks: list[Track], quantize: bool) -> tuple[list[_Event], list[Track], int]:
    """Notes of ``tracks`` (the song's kept tracks) on the 1/24-beat grid, the tracks, and the ticks per
    fine step (as a float scale: fine = tick * 24 / resolution); off that grid they are snapped to 12
    steps per beat when ``quantize``, else refused."""
    if len(tracks) > MAX_TRACKS:
        raise CodecError(f"{song.title or 'song'}: {len(tracks)} tracks; the event codec holds {MAX_TRACKS}")
    res = song.resolution
    exact = all(
        (n.start * FINE_STEPS_PER_BEAT) % res == 0 and (n.duration * FINE_STEPS_PER_BEAT) % res == 0
        for t in tracks
        for n in t.notes
    )
    if not exact and not quantize:
        raise CodecError(
            f"{song.title or 'song'}: notes off the 24-steps-per-beat grid (grid {song.grid()}); "
            "quantize=True snaps them to 12 steps per beat"
        )
    events = []
    for i, track in enumerate(tracks):
        for n in track.notes:
            if not 0 <= n.pitch <= 127:
                raise CodecError(f"{song.title or 'song'}: pitch {n.pitch} is outside MIDI 0..127")
            if exact:
                start = n.start * FINE_STEPS_PER_BEAT // res
                duration = n.duration * FINE_STEPS_PER_BEAT // res
            else:
                s = int(round(n.start * STEPS_PER_BEAT / res))
                e = max(int(round(n.end * STEPS_PER_BEAT / res)), s + 1)
                start, duration = 2 * s, 2 * (e - s)
            if duration <= 0:
                continue  # a zero-length note sounds nothing; MIDI readers drop it too
            events.append(_Event(start, i, n.pitch, duration, n.velocity))
    events.sort(key=lambda e: (e.start, e.track, e.pitch, e.duration, e.velocity))
    return events, tracks, res


def chord_labels(song: Song, chords: bool) -> list[ChordLabel]:
    """The song's chord labels (ground truth), else the recognised ones; none without ``chords``."""
    if not chords:
        return []
    if song.chords:
        labels = sorted(song.chords, key=lambda c: c.tick)
    else:
        labels = recognise_chords(song)
    for c in labels:
        if c.quality not in CHORD_QUALITIES:
            raise CodecError(f"{song.title or 'song'}: chord quality {c.quality!r} is not one of {CHORD_QUALITIES}")
    return labels


def chord_changes(labels: list[ChordLabel], resolution: int, bars_end: int) -> list[tuple[int, int]]:
    """(fine time, chord token) of every chord change; a gap between labels, or silence after the
    last one inside the last bar, is a ``Chord_N``."""
    changes: list[tuple[int, int]] = []
    end = 0
    for c in labels:
        start = int(round(c.tick * FINE_STEPS_PER_BEAT / resolution))
        stop = int(round((c.tick + c.duration) * FINE_STEPS_PER_BEAT / resolution))
        if stop <= start:
            continue
        if changes and start > end:
            changes.append((end, CHORD_N))
        while changes and changes[-1][0] >= start:
            changes.pop()
        changes.append((start, CHORD0 + CHORD_QUALITIES.index(c.quality) * 12 + c.root % 12))
        end = stop
    if changes and end < bars_end:
        changes.append((end, CHORD_N))
    return changes


def bar_grid(song: Song, fine_end: int) -> list[tuple[int, int, tuple[int, int]]]:
    """(fine start, fine length, time signature) of every bar up to ``fine_end`` (at least one bar)."""
    res = song.resolution
    signatures = sorted(song.time_signatures or [TimeSignature(0)], key=lambda ts: ts.tick)
    pending = [
        (int(round(ts.tick * FINE_STEPS_PER_BEAT / res)), (ts.numerator, ts.denominator)) for ts in signatures
    ]
    current = pending.pop(0)[1]
    bars: list[tuple[int, int, tuple[int, int]]] = []
    start = 0
    while start < fine_end or not bars:
        while pending and pending[0][0] <= start:
            tick, signature = pending.pop(0)
            if tick < start and signature != current:
                raise CodecError(f"{song.title or 'song'}: a time signature change is not on a bar line")
            current = signature
        if current not in TIME_SIGNATURES:
            raise CodecError(
                f"{song.title or 'song'}: time signature {current[0]}/{current[1]} is not one the codec writes"
            )
        length = FINE_STEPS_PER_BEAT * 4 * current[0] // current[1]
        bars.append((start, length, current))
        start += length
    if any(tick < start and signature != current for tick, signature in pending):
        raise CodecError(f"{song.title or 'song'}: a time signature change is not on a bar line")
    return bars  # changes after the last bar are dropped: nothing sounds under them
