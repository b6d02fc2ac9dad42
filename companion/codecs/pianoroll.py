"""Piano-roll codec: :class:`~companion.song.Song` <-> multi-track binary roll (tracks, time, pitches).

A roll samples time on a grid of ``steps_per_beat`` steps per beat and keeps ``num_pitches`` pitches
from ``lowest_pitch``. The binary ``active`` array is what MuseGAN and the seed's pypianoroll models
see. On its own it cannot tell one long note from two repeated notes of the same pitch, and it has no
velocity; so the codec also returns ``onsets`` and ``velocities``, which make the round trip exact at
the grid. Decoding from ``active`` alone (what a model produces) merges repeated notes: lesson 01
counts how many, lesson 02 measures what it does to generated music.

The roll (:class:`Roll`, :func:`encode`: defined in :mod:`companion.roll`, re-exported here) is
capped (``MAX_CELLS``) and a song too long for the cap raises :class:`CodecError`
naming the song, before anything is allocated.

Used by notebooks 01_representing_music, 02_musegan, 04_gpt_chords, 06_diminishing_returns.
"""

from __future__ import annotations

import numpy as np

from ..errors import CodecError
from ..roll import MAX_CELLS, Roll, encode
from ..song import Note, Song, Tempo, TimeSignature, Track
from ..theory import RESOLUTION


def decode(roll: Roll, resolution: int = RESOLUTION, default_velocity: int = 90, title: str = "") -> Song:
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


__all__ = ["MAX_CELLS", "Roll", "decode", "encode", "roundtrip_report"]
