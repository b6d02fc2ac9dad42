"""The binary piano roll itself: :class:`Roll` and :func:`encode` (Song -> roll at a grid).

Moved down from :mod:`companion.codecs.pianoroll` (which re-exports both, with the decoder and the
round-trip report) so that :mod:`companion.harmony`, which reads the song's roll at
:data:`companion.theory.STEPS_PER_BEAT`, sits below the codecs: the event codec imports harmony, and
harmony imports only this module, :mod:`companion.song`, :mod:`companion.theory` and
:mod:`companion.errors`, so the imports go one way.

Used by notebooks 01_representing_music, 02_musegan, 04_gpt_chords, 06_diminishing_returns (as
``companion.codecs.pianoroll.encode`` / ``Roll``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import CodecError
from .song import Song, Tempo, TimeSignature, Track
from .theory import STEPS_PER_BEAT

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
    steps_per_beat: int = STEPS_PER_BEAT,
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
    s, e = _steps(song, starts, ends, pitches, step, steps_per_beat, quantize)
    length = num_steps if num_steps is not None else int(e.max(initial=0))
    _check_size(song, len(tracks), length, num_pitches)
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
    active, onsets, vel = _fill((len(tracks), length, num_pitches), s, e, column, velocities, track_ids)
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


def _steps(
    song: Song,
    starts: np.ndarray,
    ends: np.ndarray,
    pitches: np.ndarray,
    step: float,
    steps_per_beat: int,
    quantize: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Start and end steps of every note: rounded (at least one step long) with ``quantize``, else exact
    or a :class:`CodecError` naming the first note off the grid."""
    if quantize:
        s = np.rint(starts / step).astype(np.int64)
        e = np.maximum(np.rint(ends / step).astype(np.int64), s + 1)
        return s, e
    off = (starts % step != 0) | (ends % step != 0)
    if off.any():
        i = int(np.argmax(off))
        raise CodecError(
            f"{song.title or 'song'}: note at tick {int(starts[i])} (pitch {int(pitches[i])}) is off the "
            f"{steps_per_beat}-steps-per-beat grid (pass quantize=True to round)"
        )
    return (starts // step).astype(np.int64), (ends // step).astype(np.int64)


def _check_size(song: Song, num_tracks: int, length: int, num_pitches: int) -> None:
    """A roll over :data:`MAX_CELLS` cells is refused before it is allocated."""
    cells = max(num_tracks, 1) * length * num_pitches
    if cells > MAX_CELLS:
        raise CodecError(
            f"{song.title or 'song'}: a roll of {num_tracks} tracks x {length:,} steps x {num_pitches} "
            f"pitches is {cells:,} cells, over the {MAX_CELLS:,}-cell cap"
        )


def _fill(
    shape: tuple[int, int, int],
    s: np.ndarray,
    e: np.ndarray,
    column: np.ndarray,
    velocities: np.ndarray,
    track_ids: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The active, onset and velocity arrays of notes from step ``s`` to ``e`` at ``column``."""
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
    return active, onsets, vel


def _note_arrays(tracks: list[Track]) -> tuple[np.ndarray, ...]:
    count = sum(len(t.notes) for t in tracks)
    data = np.fromiter(
        (v for i, t in enumerate(tracks) for n in t.notes for v in (n.start, n.end, n.pitch, n.velocity, i)),
        dtype=np.int64,
        count=count * 5,
    ).reshape(count, 5)
    return data[:, 0], data[:, 1], data[:, 2], data[:, 3], data[:, 4]
