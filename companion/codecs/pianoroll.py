"""Piano-roll codec: :class:`~companion.song.Song` <-> multi-track binary roll (tracks, time, pitches).

A roll samples time on a grid of ``steps_per_beat`` steps per beat and keeps ``num_pitches`` pitches
from ``lowest_pitch``. The binary ``active`` array is what MuseGAN and the seed's pypianoroll models
see. On its own it cannot tell one long note from two repeated notes of the same pitch, and it has no
velocity; so the codec also returns ``onsets`` and ``velocities``, which make the round trip exact at
the grid. Decoding from ``active`` alone (what a model produces) merges repeated notes: lesson 01
counts how many, lesson 02 measures what it does to generated music.

The roll is capped (``MAX_CELLS``) and a song too long for the cap raises :class:`CodecError`
naming the song, before anything is allocated.

Used by notebooks 01_representing_music, 02_musegan, 04_gpt_chords, 06_diminishing_returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CodecError
from ..song import Note, Song, Tempo, TimeSignature, Track

MAX_CELLS = 256 * 1024 * 1024
"""Largest roll (tracks x steps x pitches cells) the codec will allocate: 256 Mi booleans."""


@dataclass
class Roll:
    """A multi-track piano roll at a grid.

    Attributes:
        active: bool (tracks, steps, pitches): a pitch sounds during the step.
        onsets: bool, same shape: a note starts at the step (None when unknown, e.g. model output).
        velocities: uint8, same shape: the velocity at each onset (None when unknown).
        steps_per_beat: grid resolution.
        lowest_pitch: MIDI pitch of column 0.
        tracks: Track templates (name, program, is_drum) with no notes, one per roll track.
        tempos, time_signatures: carried from the song, in steps, so decoding needs no guesswork
            about the sampling rate (the seed's "fs cannot be obtained from the predictions").
    """

    active: np.ndarray
    onsets: np.ndarray | None
    velocities: np.ndarray | None
    steps_per_beat: int
    lowest_pitch: int
    tracks: list[Track]
    tempos: list[Tempo]
    time_signatures: list[TimeSignature]

    @property
    def num_steps(self) -> int:
        return self.active.shape[1]

    @property
    def num_pitches(self) -> int:
        return self.active.shape[2]


def encode(
    song: Song,
    steps_per_beat: int = 12,
    lowest_pitch: int = 0,
    num_pitches: int = 128,
    *,
    num_steps: int | None = None,
    quantize: bool = False,
) -> Roll:
    """Encode ``song`` as a :class:`Roll`.

    Args:
        song: the song.
        steps_per_beat: grid steps per beat (12 holds 16ths and triplets; MuseGAN uses 12).
        lowest_pitch, num_pitches: the pitch window (MuseGAN: 24 and 84, C1..B7).
        num_steps: roll length (default: the song's end, rounded up to whole steps).
        quantize: round notes to the nearest step (a note never shrinks below one step). Without
            it, a note off the grid raises CodecError, so an "exact" round trip cannot lie.

    Raises:
        CodecError: a note off the grid (without ``quantize``), a pitch outside the window, or a
            roll larger than ``MAX_CELLS``.
    """
    if steps_per_beat < 1 or song.resolution % steps_per_beat and not quantize:
        raise CodecError(
            f"{song.title or 'song'}: resolution {song.resolution} is not divisible into "
            f"{steps_per_beat} steps per beat (pass quantize=True to round)"
        )
    step = song.resolution / steps_per_beat
    tracks = [t for t in song.tracks]
    starts, ends, pitches, velocities, track_ids = _note_arrays(tracks)
    if quantize:
        s = np.rint(starts / step).astype(np.int64)
        e = np.maximum(np.rint(ends / step).astype(np.int64), s + 1)
    else:
        off = (starts % step != 0) | (ends % step != 0)
        if off.any():
            i = int(np.argmax(off))
            raise CodecError(
                f"{song.title or 'song'}: note at tick {int(starts[i])} (pitch {int(pitches[i])}) is off the "
                f"{steps_per_beat}-steps-per-beat grid (pass quantize=True to round)"
            )
        s, e = (starts // step).astype(np.int64), (ends // step).astype(np.int64)
    length = num_steps if num_steps is not None else int(e.max(initial=0))
    cells = max(len(tracks), 1) * length * num_pitches
    if cells > MAX_CELLS:
        raise CodecError(
            f"{song.title or 'song'}: a roll of {len(tracks)} tracks x {length:,} steps x {num_pitches} "
            f"pitches is {cells:,} cells, over the {MAX_CELLS:,}-cell cap"
        )
    column = pitches - lowest_pitch
    outside = (column < 0) | (column >= num_pitches)
    if outside.any():
        raise CodecError(
            f"{song.title or 'song'}: pitch {int(pitches[np.argmax(outside)])} is outside the roll's "
            f"range {lowest_pitch}..{lowest_pitch + num_pitches - 1}"
        )
    keep = s < length
    s, e, column, velocities, track_ids = (
        s[keep],
        np.minimum(e[keep], length),
        column[keep],
        velocities[keep],
        track_ids[keep],
    )
    shape = (len(tracks), length, num_pitches)
    active = np.zeros(shape, dtype=bool)
    onsets = np.zeros(shape, dtype=bool)
    vel = np.zeros(shape, dtype=np.uint8)
    # Fill every (track, step, pitch) a note covers in one vectorised scatter.
    lengths = e - s
    if len(lengths):
        rows = np.repeat(track_ids, lengths)
        cols = np.repeat(column, lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        active[rows, np.repeat(s, lengths) + offsets, cols] = True
    onsets[track_ids, s, column] = True
    vel[track_ids, s, column] = velocities
    return Roll(
        active=active,
        onsets=onsets,
        velocities=vel,
        steps_per_beat=steps_per_beat,
        lowest_pitch=lowest_pitch,
        tracks=[Track(t.name, t.program, t.is_drum) for t in tracks],
        tempos=[Tempo(round(t.tick / step), t.bpm) for t in song.tempos],
        time_signatures=[TimeSignature(round(t.tick / step), t.numerator, t.denominator) for t in song.time_signatures],
    )


def _note_arrays(tracks: list[Track]) -> tuple[np.ndarray, ...]:
    count = sum(len(t.notes) for t in tracks)
    data = np.fromiter(
        (v for i, t in enumerate(tracks) for n in t.notes for v in (n.start, n.end, n.pitch, n.velocity, i)),
        dtype=np.int64,
        count=count * 5,
    ).reshape(count, 5)
    return data[:, 0], data[:, 1], data[:, 2], data[:, 3], data[:, 4]


def decode(roll: Roll, resolution: int = 480, default_velocity: int = 90, title: str = "") -> Song:
    """Decode a :class:`Roll` back to a :class:`Song` at ``resolution`` ticks per beat.

    With ``roll.onsets`` the notes are exactly those encoded; without (a model's output), each run of
    consecutive active steps becomes one note, so repeated notes merge.
    """
    if roll.active.ndim != 3:
        raise CodecError(f"{title or 'roll'}: expected (tracks, steps, pitches), got shape {roll.active.shape}")
    if resolution % roll.steps_per_beat:
        raise CodecError(f"resolution {resolution} is not a multiple of {roll.steps_per_beat} steps per beat")
    step = resolution // roll.steps_per_beat
    active = roll.active.astype(bool)
    tracks = []
    for index, template in enumerate(roll.tracks):
        track_active = active[index]
        starts = _note_starts(track_active, None if roll.onsets is None else roll.onsets[index])
        # For each note start, the run length: first step after the start that is inactive or onset.
        notes = []
        if len(starts[0]):
            ends = _run_ends(track_active, None if roll.onsets is None else roll.onsets[index], starts)
            vel = (
                roll.velocities[index][starts]
                if roll.velocities is not None
                else np.full(len(starts[0]), default_velocity)
            )
            vel = np.where(vel == 0, default_velocity, vel)
            for t, p, e, v in zip(starts[0].tolist(), starts[1].tolist(), ends.tolist(), vel.tolist()):
                notes.append(Note(t * step, p + roll.lowest_pitch, (e - t) * step, int(v)))
        tracks.append(Track(template.name, template.program, template.is_drum, sorted(notes)))
    return Song(
        tracks=tracks,
        resolution=resolution,
        tempos=[Tempo(t.tick * step, t.bpm) for t in roll.tempos] or [Tempo(0, 120.0)],
        time_signatures=[TimeSignature(t.tick * step, t.numerator, t.denominator) for t in roll.time_signatures]
        or [TimeSignature(0)],
        title=title,
        length=roll.num_steps * step,
    )


def _note_starts(active: np.ndarray, onsets: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    previous = np.zeros_like(active)
    previous[1:] = active[:-1]
    starts = active & ~previous
    if onsets is not None:
        starts |= onsets & active
    return np.nonzero(starts)


def _run_ends(active: np.ndarray, onsets: np.ndarray | None, starts: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """End step (exclusive) of the note starting at each (step, pitch) in ``starts``."""
    steps, pitches = active.shape
    # A run stops at the first step that is inactive, or that holds another onset.
    stop = ~active
    if onsets is not None:
        stop = stop | onsets
    stop = np.vstack([stop, np.ones((1, pitches), dtype=bool)])
    ends = np.empty(len(starts[0]), dtype=np.int64)
    # Per pitch column, the sorted indices of stop steps; search after each start.
    for p in np.unique(starts[1]):
        where = starts[1] == p
        stop_steps = np.flatnonzero(stop[:, p])
        ends[where] = stop_steps[np.searchsorted(stop_steps, starts[0][where], side="right")]
    return ends


def roundtrip_report(song: Song, steps_per_beat: int, *, binary_only: bool = False) -> dict:
    """What a roll at ``steps_per_beat`` keeps of ``song``: counts of notes kept exactly, moved by
    quantisation, merged with a neighbour of the same pitch, and lost (shorter than half a step
    rounds to one step, so none are lost in time; notes outside the pitch window would be).

    ``binary_only=True`` decodes from ``active`` alone, as a model's output would be.
    Used by notebook 01_representing_music and lesson 02's fragmentation analysis.
    """
    roll = encode(song, steps_per_beat, quantize=True)
    if binary_only:
        roll = Roll(
            roll.active,
            None,
            None,
            roll.steps_per_beat,
            roll.lowest_pitch,
            roll.tracks,
            roll.tempos,
            roll.time_signatures,
        )
    back = decode(roll, resolution=song.resolution, title=song.title)
    original = {(i, n.start, n.pitch, n.duration) for i, t in enumerate(song.tracks) for n in t.notes}
    decoded = {(i, n.start, n.pitch, n.duration) for i, t in enumerate(back.tracks) for n in t.notes}
    velocities = {(i, n.start, n.pitch): n.velocity for i, t in enumerate(back.tracks) for n in t.notes}
    velocity_kept = all(
        velocities.get((i, n.start, n.pitch)) == n.velocity for i, t in enumerate(song.tracks) for n in t.notes
    )
    return {
        "steps_per_beat": steps_per_beat,
        "binary_only": binary_only,
        "notes_in": song.num_notes,
        "notes_out": back.num_notes,
        "exact": len(original & decoded),
        "changed": song.num_notes - len(original & decoded),
        "velocity_kept": bool(velocity_kept) and not binary_only,
    }
