"""Interop with the ecosystem: ``pypianoroll.Multitrack`` and ``music21.stream.Score`` <-> Song.

* pypianoroll is what MuseGAN's code and the seed used. A Multitrack holds a velocity roll per
  track at ``resolution`` steps per beat and a per-step tempo array, so a Song goes there and back
  with the tempo carried (the seed's "fs" problem) -- but repeated same-pitch notes merge, because a
  velocity roll has no onsets.
* music21 is the corpus and harmony library: the Bach chorales come in as Scores, and any Song can
  go out as a Score to be shown as notation or analysed.

Used by notebooks 01_representing_music and 02_musegan, and by :mod:`companion.data`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .codecs import pianoroll
from .errors import DataError
from .song import DEFAULT_BPM, Note, Song, Tempo, TimeSignature, Track
from .theory import RESOLUTION, STEPS_PER_BEAT


# ---------------------------------------------------------------- pypianoroll
def to_multitrack(song: Song, steps_per_beat: int = STEPS_PER_BEAT, *, quantize: bool = True):
    """A ``pypianoroll.Multitrack`` of ``song`` (velocity rolls over 128 pitches, tempo per step)."""
    import pypianoroll

    roll = pianoroll.encode(song, steps_per_beat, quantize=quantize)
    tempo = np.full(roll.num_steps, song.tempos[0].bpm if song.tempos else DEFAULT_BPM, dtype=float)
    for change in roll.tempos:
        tempo[change.tick :] = change.bpm
    # Velocity of each sounding cell: carry each note's onset velocity forward through its run.
    tracks = []
    for index, template in enumerate(roll.tracks):
        velocity = _held_velocity(roll.active[index], roll.onsets[index], roll.velocities[index])
        tracks.append(
            pypianoroll.StandardTrack(
                name=template.name, program=template.program, is_drum=template.is_drum, pianoroll=velocity
            )
        )
    downbeat = np.zeros(roll.num_steps, dtype=bool)
    downbeat[:: song.ticks_per_bar * steps_per_beat // song.resolution or 1] = True
    return pypianoroll.Multitrack(
        name=song.title or None, resolution=steps_per_beat, tempo=tempo, downbeat=downbeat, tracks=tracks
    )


def _held_velocity(active: np.ndarray, onsets: np.ndarray, velocities: np.ndarray) -> np.ndarray:
    index = np.where(onsets, np.arange(active.shape[0])[:, None], 0)
    np.maximum.accumulate(index, axis=0, out=index)
    held = np.take_along_axis(velocities, index, axis=0)
    return np.where(active, held, 0).astype(np.uint8)


def from_multitrack(multitrack, resolution: int = RESOLUTION, title: str = "") -> Song:
    """A Song from a ``pypianoroll.Multitrack``; each run of non-zero cells becomes one note with the
    velocity of its first cell, and tempo changes come from the per-step tempo array."""
    steps_per_beat = int(multitrack.resolution)
    rolls = [np.asarray(t.pianoroll) for t in multitrack.tracks]
    length = max((r.shape[0] for r in rolls), default=0)
    active = np.zeros((len(rolls), length, 128), dtype=bool)
    velocities = np.zeros(active.shape, dtype=np.uint8)
    for i, r in enumerate(rolls):
        active[i, : r.shape[0]] = r > 0
        values = r if r.dtype != bool else r * 100
        velocities[i, : r.shape[0]] = np.clip(values, 0, 127).astype(np.uint8)
    # pypianoroll.read gives a (steps, 1) tempo array, to_multitrack a flat one: accept both.
    tempo = np.asarray(multitrack.tempo if multitrack.tempo is not None else [DEFAULT_BPM], dtype=float).reshape(-1)
    changes = [0] + [int(i) for i in np.flatnonzero(np.diff(tempo)) + 1]
    roll = pianoroll.Roll(
        active=active,
        onsets=None,
        velocities=velocities,
        steps_per_beat=steps_per_beat,
        lowest_pitch=0,
        tracks=[
            Track(t.name or f"track {i}", int(t.program), bool(t.is_drum)) for i, t in enumerate(multitrack.tracks)
        ],
        tempos=[Tempo(i, float(tempo[i])) for i in changes if i < len(tempo)],
        time_signatures=[_signature_from_downbeats(multitrack.downbeat, steps_per_beat)],
    )
    return pianoroll.decode(roll, resolution=resolution, title=title or (multitrack.name or ""))


def _signature_from_downbeats(downbeat, steps_per_beat: int) -> TimeSignature:
    """n/4 from the spacing of the first two downbeats (4/4 when there are fewer, or it is not whole beats)."""
    marks = np.flatnonzero(np.asarray(downbeat).reshape(-1)) if downbeat is not None else []
    if len(marks) >= 2 and (marks[1] - marks[0]) % steps_per_beat == 0:
        return TimeSignature(0, int((marks[1] - marks[0]) // steps_per_beat), 4)
    return TimeSignature(0, 4, 4)


# ---------------------------------------------------------------- music21
def to_music21(song: Song):
    """A ``music21.stream.Score`` with one Part per track, notes at their offsets (quarter lengths)."""
    from music21 import instrument, meter, note, stream, tempo

    score = stream.Score()
    for ts in song.time_signatures[:1]:
        score.insert(0, meter.TimeSignature(f"{ts.numerator}/{ts.denominator}"))
    for t in song.tempos:
        score.insert(Fraction(t.tick, song.resolution), tempo.MetronomeMark(number=t.bpm))
    for track in song.tracks:
        part = stream.Part()
        part.partName = track.name
        inst = (
            instrument.UnpitchedPercussion() if track.is_drum else instrument.instrumentFromMidiProgram(track.program)
        )
        part.insert(0, inst)
        for n in track.notes:
            m21 = note.Note(n.pitch, quarterLength=Fraction(n.duration, song.resolution))
            m21.volume.velocity = n.velocity
            part.insert(Fraction(n.start, song.resolution), m21)
        score.insert(0, part)
    return score


def from_music21(score, resolution: int = RESOLUTION, title: str = "", program: int = 0) -> Song:
    """A Song from a music21 Score: one track per Part, ties merged, grace notes (no duration)
    dropped, a pickup bar padded so that bar lines fall on multiples of the bar length."""
    from music21 import meter, tempo

    parts = list(score.parts) or [score]
    signatures = list(score.recurse().getElementsByClass(meter.TimeSignature))
    ts = signatures[0] if signatures else None
    marks = list(score.recurse().getElementsByClass(tempo.MetronomeMark))
    bpm = round(float(marks[0].getQuarterBPM()), 6) if marks and marks[0].number else DEFAULT_BPM
    shift = Fraction(0)
    measures = parts[0].getElementsByClass("Measure")
    if measures and measures[0].paddingLeft:
        shift = Fraction(measures[0].paddingLeft)
    tracks = []
    for index, part in enumerate(parts):
        notes = []
        for element in part.stripTies().flatten().notes:
            duration = Fraction(element.quarterLength)
            if duration <= 0:
                continue
            start = Fraction(element.offset) + shift
            velocity = element.volume.velocity if element.volume.velocity else 90
            for p in element.pitches:
                notes.append(Note(_ticks(start, resolution), p.midi, _ticks(duration, resolution), int(velocity)))
        name = getattr(part, "partName", None) or f"part {index}"
        tracks.append(Track(str(name), program, False, sorted(notes)))
    if not any(t.notes for t in tracks):
        raise DataError(f"{title or 'score'}: no notes in the score")
    return Song(
        tracks=tracks,
        resolution=resolution,
        tempos=[Tempo(0, bpm)],
        time_signatures=[TimeSignature(0, ts.numerator, ts.denominator) if ts else TimeSignature(0)],
        title=title,
    )


def _ticks(quarters: Fraction, resolution: int) -> int:
    return int(round(Fraction(quarters) * resolution))
