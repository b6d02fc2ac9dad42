"""The jazz corpus's chord progressions: the grid, the three forms in any key, chord spelling, chord spans.

One chorus of each form (a ii-V-I study, a 12-bar jazz blues, rhythm changes) as (root, quality,
beats) by :func:`progression`; the ground-truth labels of a piece (:func:`_chord_labels`, one per
chord change); a fast "which chord sounds now" lookup for the parts (:class:`_Timeline`); and the
spelling of roots in the piece's key for printing (:func:`spell_in_key`, :func:`chord_names_in_key`).

Used by notebooks 00_tour, 01_representing_music, 02_musegan and 05_event_tokens (through
:mod:`companion.jazz`).
"""

from __future__ import annotations

import bisect

from .. import theory
from ..song import PITCH_CLASS_NAMES, ChordLabel, Song

RESOLUTION = theory.RESOLUTION
"""Ticks per beat (quarter note) of every jazz Song (:data:`companion.theory.RESOLUTION`)."""

STEPS_PER_BEAT = theory.STEPS_PER_BEAT
"""Grid steps per beat: every note start and duration is a multiple of ``RESOLUTION // 12 == 40`` ticks."""

STEP = RESOLUTION // STEPS_PER_BEAT
BEATS_PER_BAR = theory.BEATS_PER_BAR
TICKS_PER_BAR = RESOLUTION * BEATS_PER_BAR

REGISTERS: dict[str, tuple[int, int]] = theory.JAZZ_REGISTERS
"""Inclusive MIDI pitch range of each pitched track (C4 = 60): :data:`companion.theory.JAZZ_REGISTERS`."""

FORMS = ("ii-V-I", "blues", "rhythm-changes")
"""The forms of the corpus; :func:`progression` gives one chorus of each."""

FORM_BARS: dict[str, int] = {"ii-V-I": 16, "blues": 12, "rhythm-changes": 32}
"""Bars in one chorus of each form."""

KEY_NAMES = theory.KEY_NAMES
"""Key names by pitch class, spelled with flats as jazz players do (used in titles)."""

CHORD_TONES: dict[str, tuple[int, ...]] = theory.CHORD_TONES
"""Chord quality -> semitone intervals above the root (:data:`companion.theory.CHORD_TONES`)."""

SCALES: dict[str, tuple[int, ...]] = theory.SCALES
"""Chord quality -> the chord-scale the melody and bass walk in (:data:`companion.theory.SCALES`)."""
# One chorus of each form, as (semitones above the key, quality, beats).
_RHYTHM_A_BARS = [(0, "6", 2), (9, "m7", 2), (2, "m7", 2), (7, "7", 2)] * 2 + [
    (7, "m7", 2), (0, "7", 2), (5, "7", 2), (6, "dim7", 2), (0, "6", 2), (7, "7", 2),
]  # fmt: skip
_FORM_DEGREES: dict[str, list[tuple[int, str, int]]] = {
    "ii-V-I": [
        (2, "m7", 4), (7, "7", 4), (0, "maj7", 8),  # ii V I in the key
        (0, "m7", 4), (5, "7", 4), (10, "maj7", 8),  # the same a whole step down
        (11, "m7b5", 4), (4, "7", 4), (9, "m6", 8),  # minor ii V i to the relative minor
        (4, "m7", 2), (9, "7", 2), (2, "m7", 2), (7, "7", 2), (0, "maj7", 8),  # iii VI ii V I home
    ],
    "blues": [
        (0, "7", 4), (5, "7", 4), (0, "7", 4), (7, "m7", 2), (0, "7", 2),
        (5, "7", 4), (6, "dim7", 4), (0, "7", 4), (9, "7", 4),
        (2, "m7", 4), (7, "7", 4), (0, "7", 2), (9, "7", 2), (2, "m7", 2), (7, "7", 2),
    ],
    "rhythm-changes": (
        _RHYTHM_A_BARS + [(2, "m7", 2), (7, "7", 2)]  # A1, turning around
        + _RHYTHM_A_BARS + [(0, "6", 4)]  # A2
        + [(4, "7", 8), (9, "7", 8), (2, "7", 8), (7, "7", 8)]  # B: III7 VI7 II7 V7
        + _RHYTHM_A_BARS + [(0, "6", 4)]  # A3
    ),
}  # fmt: skip


def progression(form: str, key: int) -> list[tuple[int, str, int]]:
    """One chorus of a form in a key.

    Args:
        form: one of :data:`FORMS`.
        key: the key's tonic as a pitch class 0..11 (0 = C).

    Returns:
        The chords in order as ``(root pitch class, quality, beats)``, qualities from
        :data:`CHORD_TONES`; the beats add up to ``4 * FORM_BARS[form]``.

    Raises:
        ValueError: for an unknown form or a key outside 0..11.

    Example:
        >>> progression("blues", 5)[:3]  # F7 Bb7 F7
        [(5, '7', 4), (10, '7', 4), (5, '7', 4)]
    """
    if form not in _FORM_DEGREES:
        raise ValueError(f"unknown form {form!r}; expected one of {FORMS}")
    if not 0 <= key < 12:
        raise ValueError(f"key must be a pitch class 0..11, got {key}")
    return [((key + degree) % 12, quality, beats) for degree, quality, beats in _FORM_DEGREES[form]]


_SCALE_STEP = (0, 1, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6)
"""Semitones above the tonic -> scale step (b2 and 2 on step 1, b3 and 3 on 2, 4 and #4 on 3, ...)."""
_LETTERS, _LETTER_PC = "CDEFGAB", (0, 2, 4, 5, 7, 9, 11)
_ACCIDENTALS = {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}


def spell_in_key(pitch_class: int, key: int) -> str:
    """The name of a pitch class as it is spelled in a key (tonic named as in :data:`KEY_NAMES`).

    The letter is the tonic's letter plus the pitch's scale step, so ``#IV`` and ``VI`` read as
    letters of the key: in B, the blues' #IV diminished chord is on E# (not F) and its VI7 on G#
    (not Ab). A spelling that would need a double sharp or flat falls back on
    :data:`companion.song.PITCH_CLASS_NAMES`, which spells every pitch class one fixed way.

    Example:
        >>> spell_in_key(5, 11), spell_in_key(8, 11), spell_in_key(6, 1)  # E# and G# in B; Gb in Db
        ('E#', 'G#', 'Gb')
    """
    tonic = KEY_NAMES[key]
    letter = _LETTERS[(_LETTERS.index(tonic[0]) + _SCALE_STEP[(pitch_class - key) % 12]) % 7]
    shift = (pitch_class - _LETTER_PC[_LETTERS.index(letter)] + 6) % 12 - 6
    return letter + _ACCIDENTALS[shift] if abs(shift) < 2 else PITCH_CLASS_NAMES[pitch_class]  # no double flats


def key_of(song: Song) -> int:
    """The key (tonic pitch class) a corpus piece was written in, read from its title
    (``"jazz-0028 blues in B"``). Raises ValueError for a song this module did not write."""
    name = song.title.rsplit(" in ", 1)[-1] if " in " in (song.title or "") else None
    if name not in KEY_NAMES:
        raise ValueError(f"{song.title!r} is not a title of the jazz corpus")
    return KEY_NAMES.index(name)


def chord_names_in_key(song: Song) -> list[str]:
    """The song's chord labels spelled in its key (``E#dim7``, ``G#7`` in B), for printing."""
    key = key_of(song)
    return [spell_in_key(c.root, key) + c.quality for c in song.chords]


class _Timeline:
    """Chord spans of a piece with a fast "which chord sounds at this tick" lookup."""

    def __init__(self, chords: list[ChordLabel]):
        self.chords = chords
        self.starts = [c.tick for c in chords]

    def index_at(self, tick: int) -> int:
        return bisect.bisect_right(self.starts, tick) - 1

    def at(self, tick: int) -> ChordLabel:
        return self.chords[self.index_at(tick)]

    def end_of(self, tick: int) -> int:
        c = self.at(tick)
        return c.tick + c.duration


def _chord_labels(form: str, key: int, choruses: int) -> list[ChordLabel]:
    """The chorus repeated, one label per chord change (equal neighbours merged, also across choruses)."""
    labels: list[ChordLabel] = []
    tick = 0
    for _ in range(choruses):
        for root, quality, beats in progression(form, key):
            duration = beats * RESOLUTION
            last = labels[-1] if labels else None
            if last is not None and last.root == root and last.quality == quality:
                labels[-1] = ChordLabel(last.tick, last.duration + duration, root, quality)
            else:
                labels.append(ChordLabel(tick, duration, root, quality))
            tick += duration
    return labels
