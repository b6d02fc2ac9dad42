"""The grid and the music theory every layer shares: one place for the numbers, imported by all.

* MIDI resolution: :data:`RESOLUTION` ticks per beat (quarter note), the resolution of every Song the
  package makes (corpora, generators, decoders) and the default of every ``resolution`` argument.
* The grid: :data:`STEPS_PER_BEAT` steps per beat (holds 16th notes and triplets), MuseGAN's grid,
  the grid of the chord recogniser, the metrics, the event codec and the jazz generator;
  :data:`BEATS_PER_BAR` beats in a bar of 4/4. Grids for other purposes (the event codec's
  ``FINE_STEPS_PER_BEAT``, the yardstick's 16th-note ``ROLL_STEPS_PER_BEAT``, an experiment's own
  coarse grid) stay in their modules.
* Pitch: :data:`PITCH_CLASS_NAMES` (sharps and flats as the chord names spell them), :data:`KEY_NAMES`
  (flats, as jazz players spell keys), :data:`JSB_LOWEST_PITCH` (column 0 of the 88-key frames).
* Chords: :data:`CHORD_TONES` (the jazz corpus's four-note qualities), :data:`CHORD_TEMPLATES` (the
  recogniser's templates, triads first), :data:`SCALES` (the chord-scale of each four-note quality).
* Registers: :data:`JAZZ_REGISTERS` and :data:`BACH_REGISTERS`, track name -> inclusive pitch range.

A leaf: it imports nothing from the package, so :mod:`companion.song`, :mod:`companion.harmony`, the
codecs, the metrics, the yardstick, the pipelines and :mod:`companion.jazz` all import from here and
never from one another for these values. The old names stay importable where they were
(``companion.jazz.REGISTERS``, ``companion.jazz.CHORD_TONES``, ``companion.data.BACH_REGISTERS``,
``companion.harmony.STEPS_PER_BEAT``, ``companion.song.PITCH_CLASS_NAMES`` ...).

Used by notebooks 00_tour, 01_representing_music, 05_event_tokens and definitions (the jazz registers,
as ``companion.jazz.REGISTERS``), 05_event_tokens (``PITCH_CLASS_NAMES``), 06_diminishing_returns and
definitions (``companion.data.BACH_REGISTERS``), and by every lesson through the codecs and metrics.
"""

from __future__ import annotations

RESOLUTION = 480
"""MIDI resolution: ticks per beat (quarter note) of every Song the package makes."""

STEPS_PER_BEAT = 12
"""The shared grid: 12 steps per beat (16ths and triplets are exact), ``RESOLUTION // 12 == 40`` ticks."""

BEATS_PER_BAR = 4
"""Beats in a bar of 4/4."""

PITCH_CLASS_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
"""Pitch-class names, 0 = C (chord names and pitch names use them)."""

KEY_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
"""Key names by pitch class, spelled with flats as jazz players do (used in titles)."""

JSB_LOWEST_PITCH = 21
"""MIDI pitch of column 0 of the 88-key polyphonic frames (A0)."""

CHORD_TONES: dict[str, tuple[int, ...]] = {
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "7": (0, 4, 7, 10),
    "m7b5": (0, 3, 6, 10),
    "dim7": (0, 3, 6, 9),
    "6": (0, 4, 7, 9),
    "m6": (0, 3, 7, 9),
}
"""Chord quality -> semitone intervals above the root: the jazz corpus's four-note qualities."""

CHORD_TEMPLATES: dict[str, tuple[int, ...]] = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    **{q: CHORD_TONES[q] for q in ("maj7", "m7", "7", "m7b5", "dim7", "6", "m6")},
}
"""Chord quality -> semitones above the root: the recogniser's templates, simplest first (triads, then
the four-note qualities of :data:`CHORD_TONES`)."""

SCALES: dict[str, tuple[int, ...]] = {
    "maj7": (0, 2, 4, 5, 7, 9, 11),  # ionian
    "m7": (0, 2, 3, 5, 7, 9, 10),  # dorian
    "7": (0, 2, 4, 5, 7, 9, 10),  # mixolydian
    "m7b5": (0, 2, 3, 5, 6, 8, 10),  # locrian natural 2
    "dim7": (0, 2, 3, 5, 6, 8, 9, 11),  # whole-half diminished
    "6": (0, 2, 4, 5, 7, 9, 11),  # major
    "m6": (0, 2, 3, 5, 7, 9, 11),  # melodic minor
}
"""Chord quality -> the chord-scale the jazz melody and bass walk in (semitones above the root)."""

JAZZ_REGISTERS: dict[str, tuple[int, int]] = {
    "melody": (60, 84),  # C4-C6
    "comping": (48, 72),  # C3-C5
    "extensions": (84, 96),  # C6-C7
    "bass": (36, 48),  # C2-C3
}
"""Inclusive MIDI pitch range of each pitched track of the jazz corpus (C4 = 60)."""

BACH_REGISTERS: dict[str, tuple[int, int]] = {
    "Soprano": (60, 81),
    "Alto": (55, 74),
    "Tenor": (48, 69),
    "Bass": (40, 62),
}
"""Textbook SATB ranges (C4-A5, G3-D5, C3-A4, E2-D4), inclusive MIDI pitches: the yardstick for
register adherence on ``bach`` (the real chorales keep 99-100% of their notes inside them)."""

__all__ = [
    "BACH_REGISTERS",
    "BEATS_PER_BAR",
    "CHORD_TEMPLATES",
    "CHORD_TONES",
    "JAZZ_REGISTERS",
    "JSB_LOWEST_PITCH",
    "KEY_NAMES",
    "PITCH_CLASS_NAMES",
    "RESOLUTION",
    "SCALES",
    "STEPS_PER_BEAT",
]
