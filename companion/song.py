"""The one neutral music type of the course: :class:`Song`, :class:`Track`, :class:`Note`.

Every format converts to and from a ``Song`` (MIDI in :mod:`companion.midi`, piano rolls in
:mod:`companion.codecs.pianoroll`, pypianoroll and music21 in :mod:`companion.interop`), so there is
one conversion per format, not one per pair of formats.

Time is kept in integer *ticks*; ``resolution`` says how many ticks make one beat (a quarter note),
exactly as a MIDI file's ``ticks_per_beat``. The tempo map turns ticks into seconds, which is what
the image codec of lesson 03 needs and what the seed report could not recover ("fs cannot be
obtained from the predictions"): here the song always carries it.

Used by every notebook (00_tour ... 06_diminishing_returns).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace

from .theory import PITCH_CLASS_NAMES
from .theory import RESOLUTION as DEFAULT_RESOLUTION

DEFAULT_BPM = 100.0


def pitch_name(pitch: int) -> str:
    """Scientific pitch name with middle C = C4 = MIDI 60 (e.g. ``pitch_name(36) == "C2"``)."""
    return f"{PITCH_CLASS_NAMES[pitch % 12]}{pitch // 12 - 1}"


@dataclass(frozen=True, order=True)
class Note:
    """One note. All times in ticks of the owning song's ``resolution``.

    Ordered by (start, pitch, duration, velocity), so ``sorted(notes)`` is the canonical order.
    """

    start: int
    pitch: int
    duration: int
    velocity: int = 90

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass(frozen=True)
class Tempo:
    """A tempo change at ``tick``, in beats (quarter notes) per minute."""

    tick: int
    bpm: float


@dataclass(frozen=True)
class TimeSignature:
    """A time-signature change at ``tick`` (e.g. 3/4 has numerator 3, denominator 4)."""

    tick: int
    numerator: int = 4
    denominator: int = 4


@dataclass(frozen=True)
class ChordLabel:
    """A ground-truth (or recognised) chord: ``root`` is a pitch class 0..11, ``quality`` a name
    such as ``"maj7"``, ``"m7"``, ``"7"``, ``"m7b5"``, ``"dim7"``, ``"6"``, ``"maj"``, ``"min"``."""

    tick: int
    duration: int
    root: int
    quality: str

    @property
    def name(self) -> str:
        return f"{PITCH_CLASS_NAMES[self.root]}{self.quality}"


@dataclass
class Track:
    """A named part: General MIDI ``program`` (0..127), ``is_drum`` for channel 10, and its notes."""

    name: str
    program: int = 0
    is_drum: bool = False
    notes: list[Note] = field(default_factory=list)

    def sorted(self) -> Track:
        return replace(self, notes=sorted(self.notes))


@dataclass
class Song:
    """A multi-track song in ticks, with its tempo map, time signatures and optional chord labels.

    Attributes:
        tracks: the parts, in order.
        resolution: ticks per beat (quarter note).
        tempos: tempo changes sorted by tick; the first applies from tick 0 whatever its tick.
        time_signatures: time-signature changes sorted by tick.
        chords: optional chord labels (ground truth on the ``jazz`` corpus).
        title: a human-readable name (file name, corpus id).
        length: optional declared length in ticks, for trailing silence the notes do not show (a
            generated 4-bar phrase whose last bar is empty is still 4 bars long: empty-bar metrics
            must count that bar). ``None``: the song ends where its last note ends.
    """

    tracks: list[Track] = field(default_factory=list)
    resolution: int = DEFAULT_RESOLUTION
    tempos: list[Tempo] = field(default_factory=lambda: [Tempo(0, DEFAULT_BPM)])
    time_signatures: list[TimeSignature] = field(default_factory=lambda: [TimeSignature(0, 4, 4)])
    chords: list[ChordLabel] = field(default_factory=list)
    title: str = ""
    length: int | None = None

    # ----------------------------------------------------------------- sizes
    @property
    def notes(self) -> list[Note]:
        """All notes of all tracks, canonical order."""
        return sorted(n for t in self.tracks for n in t.notes)

    @property
    def num_notes(self) -> int:
        return sum(len(t.notes) for t in self.tracks)

    @property
    def end_tick(self) -> int:
        """Tick at which the last note ends (0 for an empty song)."""
        return max((n.end for t in self.tracks for n in t.notes), default=0)

    @property
    def length_ticks(self) -> int:
        """The song's length: its declared ``length`` or its last note's end, whichever is later."""
        return max(self.length or 0, self.end_tick)

    @property
    def ticks_per_bar(self) -> int:
        """Length of a bar under the first time signature, in ticks."""
        ts = self.time_signatures[0] if self.time_signatures else TimeSignature(0)
        return self.resolution * 4 * ts.numerator // ts.denominator

    @property
    def num_bars(self) -> int:
        """Bars spanned by the song (:attr:`length_ticks`), counting a partial last bar (first time
        signature)."""
        return -(-self.length_ticks // self.ticks_per_bar)

    # ----------------------------------------------------------------- time
    def _tempo_segments(self) -> tuple[list[int], list[float], list[float]]:
        """Start ticks, start seconds and seconds-per-tick of each tempo segment."""
        tempos = sorted(self.tempos, key=lambda t: t.tick) or [Tempo(0, DEFAULT_BPM)]
        ticks, seconds, rates = [0], [0.0], [60.0 / (tempos[0].bpm * self.resolution)]
        for tempo in tempos[1:]:
            if tempo.tick <= ticks[-1]:
                rates[-1] = 60.0 / (tempo.bpm * self.resolution)
                continue
            seconds.append(seconds[-1] + (tempo.tick - ticks[-1]) * rates[-1])
            ticks.append(tempo.tick)
            rates.append(60.0 / (tempo.bpm * self.resolution))
        return ticks, seconds, rates

    def tick_to_seconds(self, tick: float) -> float:
        """Seconds from the start at ``tick``, through the tempo map."""
        ticks, seconds, rates = self._tempo_segments()
        i = bisect.bisect_right(ticks, tick) - 1
        return seconds[i] + (tick - ticks[i]) * rates[i]

    def seconds_to_tick(self, second: float) -> float:
        """Inverse of :meth:`tick_to_seconds` (a float tick; round it yourself)."""
        ticks, seconds, rates = self._tempo_segments()
        i = bisect.bisect_right(seconds, second) - 1
        return ticks[i] + (second - seconds[i]) / rates[i]

    @property
    def duration_seconds(self) -> float:
        return self.tick_to_seconds(self.length_ticks)

    # ----------------------------------------------------------------- edits
    def copy(self, **changes) -> Song:
        """A deep-enough copy (new track lists) with optional field changes."""
        song = replace(
            self,
            tracks=[replace(t, notes=list(t.notes)) for t in self.tracks],
            tempos=list(self.tempos),
            time_signatures=list(self.time_signatures),
            chords=list(self.chords),
        )
        return replace(song, **changes) if changes else song

    def canonical(self) -> Song:
        """The same song with every track's notes in canonical (sorted) order."""
        return self.copy(tracks=[t.sorted() for t in self.tracks])

    def without_drums(self) -> Song:
        return self.copy(tracks=[t for t in self.copy().tracks if not t.is_drum])

    def transpose(self, semitones: int) -> Song:
        """Pitched tracks moved by ``semitones`` (drums and chord roots follow musical sense:
        drums unchanged, chord roots transposed)."""
        tracks = [
            t if t.is_drum else replace(t, notes=[replace(n, pitch=n.pitch + semitones) for n in t.notes])
            for t in self.tracks
        ]
        chords = [replace(c, root=(c.root + semitones) % 12) for c in self.chords]
        return self.copy(tracks=tracks, chords=chords)

    def crop(self, start: int, end: int) -> Song:
        """Notes sounding in ``[start, end)`` ticks, cut to that window and shifted to start at 0."""
        tracks = []
        for t in self.tracks:
            notes = []
            for n in t.notes:  # what max(n.start, start), min(n.end, end) and replace(n, ...) give, without their calls
                note_start = n.start
                if note_start >= end:
                    continue
                note_end = note_start + n.duration
                if note_end <= start:
                    continue
                s = start if start > note_start else note_start
                e = end if end < note_end else note_end
                if e > s:
                    notes.append(type(n)(s - start, n.pitch, e - s, n.velocity))
            tracks.append(replace(t, notes=notes))
        chords = [
            replace(c, tick=max(c.tick, start) - start, duration=min(c.tick + c.duration, end) - max(c.tick, start))
            for c in self.chords
            if c.tick < end and c.tick + c.duration > start
        ]
        return replace(self, tracks=tracks, tempos=list(self.tempos), time_signatures=list(self.time_signatures),
                       chords=chords, length=end - start)  # fmt: skip

    def is_on_grid(self, steps_per_beat: int) -> bool:
        """True when every note start and duration is a whole number of grid steps."""
        if self.resolution % steps_per_beat:
            return False
        step = self.resolution // steps_per_beat
        return all(n.start % step == 0 and n.duration % step == 0 for t in self.tracks for n in t.notes)

    def grid(self) -> int:
        """Steps per beat of the coarsest grid that holds every note start and duration exactly
        (e.g. 4 for a song of 16th notes, 12 once swing triplets appear, 24 with 32nds too)."""
        step = self.resolution
        for t in self.tracks:
            for n in t.notes:
                step = math.gcd(step, n.start, n.duration)
        return self.resolution // step

    def chord_at(self, tick: int) -> ChordLabel | None:
        """The chord label sounding at ``tick`` (None where there is none)."""
        starts = [c.tick for c in self.chords]
        i = bisect.bisect_right(starts, tick) - 1
        if i >= 0 and tick < self.chords[i].tick + self.chords[i].duration:
            return self.chords[i]
        return None

    def summary(self) -> dict:
        """Plain-data description (the ``inspect`` CLI prints it)."""
        return {
            "title": self.title,
            "resolution": self.resolution,
            "tracks": [
                {"name": t.name, "program": t.program, "is_drum": t.is_drum, "notes": len(t.notes)} for t in self.tracks
            ],
            "notes": self.num_notes,
            "bars": self.num_bars,
            "length_ticks": self.length_ticks,
            "seconds": round(self.duration_seconds, 3),
            "tempos_bpm": [round(t.bpm, 3) for t in self.tempos],
            "time_signatures": [f"{ts.numerator}/{ts.denominator}" for ts in self.time_signatures],
            "chord_labels": len(self.chords),
        }
