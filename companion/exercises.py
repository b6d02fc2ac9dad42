"""Reference solutions of the lessons' graded exercises (PCPT's pattern: the notebook can call
``companion.exercises.<name>()`` to show the reference result after trying its own).

Each function is small on purpose: it is the lesson's central move written once, plainly. The
exercise cells in the notebooks carry nbgrader markup; ``python -m companion student`` makes the
student versions (see :mod:`companion.student`).

Used by notebooks 01-06 (section "Exercises").
"""

from __future__ import annotations

from .song import Song, Track


# ------------------------------------------------------------------ 01_representing_music
def tick_to_seconds_constant(tick: int, resolution: int, bpm: float) -> float:
    """Seconds at ``tick`` under one constant tempo: ``tick / resolution`` beats of ``60 / bpm`` s."""
    return tick / resolution * 60.0 / bpm


def tick_to_step(tick: int, resolution: int, steps_per_beat: int) -> float:
    """The grid step of ``tick`` (a float: off-grid ticks give fractions)."""
    return tick * steps_per_beat / resolution


def merged_by_binary_roll(track: Track, resolution: int, steps_per_beat: int) -> int:
    """How many notes of ``track`` a binary roll (no onsets) merges into the note before them: a note
    that starts, on the grid, exactly where an earlier note of the same pitch is still sounding or
    has just ended."""
    step = resolution / steps_per_beat
    sounding_until: dict[int, int] = {}
    merged = 0
    for note in sorted(track.notes):
        start, end = round(note.start / step), max(round(note.end / step), round(note.start / step) + 1)
        if sounding_until.get(note.pitch, -1) >= start:
            merged += 1
        sounding_until[note.pitch] = max(sounding_until.get(note.pitch, -1), end)
    return merged


def merged_notes_in_song(song: Song, steps_per_beat: int) -> int:
    """:func:`merged_by_binary_roll` summed over the song's tracks."""
    return sum(merged_by_binary_roll(t, song.resolution, steps_per_beat) for t in song.tracks)


def share_off_grid(song: Song, steps_per_beat: int) -> float:
    """Share of the song's notes whose start is not on a grid of ``steps_per_beat`` steps per beat."""
    notes = [n for t in song.tracks for n in t.notes]
    off = sum(1 for n in notes if (n.start * steps_per_beat) % song.resolution)
    return off / max(len(notes), 1)
