"""A seeded procedural jazz corpus: the course's stand-in for "about 3,000 bars of jazz MIDI".

The report this course follows trained its models on roughly 3,000 bars of jazz MIDI that cannot be
redistributed. This module writes a corpus of the same size and shape from rules instead: small-group
jazz over three standard forms (a ii-V-I study, a 12-bar jazz blues and rhythm changes) in all twelve
keys, with five parts in a fixed order (see :data:`TRACK_NAMES`):

* ``melody``: tenor sax phrases of swing eighths, quarters and triplets with rests between phrases,
  chord tones on beats 1 and 3, scale, passing and chromatic approach tones in between;
* ``comping``: piano, rootless 3- and 4-note voicings (3rd, 7th, 9th, 13th...) in Charleston and other
  syncopated rhythms, each voicing the inversion nearest the previous one (voice leading);
* ``extensions``: vibraphone, sparse upper extensions (9, 11, 13) of some chords, high up;
* ``bass``: a walking line, one note per beat, the root on the first beat of every chord and often
  a chromatic approach (a semitone above or below the next root) on the beat before a change;
* ``drums``: ride-cymbal swing pattern, hi-hat pedal on 2 and 4, occasional kick and snare "bombs".

Every :class:`~companion.song.Song` carries its ground-truth chord labels in ``song.chords`` (one per
chord change, contiguous over the whole piece), which later lessons score generated music against
("chord-tone rate"); the parts really follow them. Everything is on a swing grid of 12 steps per beat
(``RESOLUTION // STEPS_PER_BEAT == 40`` ticks): a swung eighth pair is 320 + 160 ticks, a triplet
eighth 160.

The corpus is deterministic: the same seed gives the same songs, piece ``i`` does not depend on how
many bars were asked for (only the last piece is cut), and 3,000 bars take well under a second.

The module is split by concept, every name importable from here as before: :mod:`.changes` (the grid,
the forms and their chords, spelling), :mod:`.voicing` (piano voicings, extensions, pitch helpers) and
:mod:`.parts` (the five parts rendered); this package puts a piece and the corpus together.

Used by notebooks 00_tour, 01_representing_music, 02_musegan and 05_event_tokens.

Example:
    >>> from companion import jazz
    >>> corpus = jazz.generate_corpus(3000, seed=0)
    >>> sum(song.num_bars for song in corpus)
    3000
"""

from __future__ import annotations

import random

import numpy as np

from .. import theory  # noqa: F401  (re-exported)
from ..song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Tempo, TimeSignature, Track  # noqa: F401
from .changes import (  # noqa: F401  (re-exported: the names this module always had)
    _ACCIDENTALS,
    _FORM_DEGREES,
    _LETTER_PC,
    _LETTERS,
    _RHYTHM_A_BARS,
    _SCALE_STEP,
    BEATS_PER_BAR,
    CHORD_TONES,
    FORM_BARS,
    FORMS,
    KEY_NAMES,
    REGISTERS,
    RESOLUTION,
    SCALES,
    STEP,
    STEPS_PER_BEAT,
    TICKS_PER_BAR,
    _chord_labels,
    _Timeline,
    chord_names_in_key,
    key_of,
    progression,
    spell_in_key,
)
from .parts import (  # noqa: F401
    _BAR_COMPS,
    _CELL_WEIGHTS,
    _CELLS,
    _HALF_COMPS,
    _SWING_EIGHTHS,
    DRUM_HIHAT_PEDAL,
    DRUM_KICK,
    DRUM_RIDE,
    DRUM_SNARE,
    _bass,
    _comping,
    _drums,
    _extensions,
    _melody,
    _melody_rhythm,
)
from .voicing import TENSIONS, VOICINGS, _choose_voicing, _nearest, _pitches_of, _step_in_scale, _voicing_candidates  # noqa: F401

TRACK_NAMES = ("melody", "comping", "extensions", "bass", "drums")
"""Track order of every Song."""

PROGRAMS: dict[str, int] = {"melody": 66, "comping": 0, "extensions": 11, "bass": 32, "drums": 0}
"""General MIDI program per track: tenor sax, piano, vibraphone, acoustic bass, (drum kit)."""

CHORUSES: dict[str, tuple[int, int]] = {"ii-V-I": (2, 4), "blues": (2, 5), "rhythm-changes": (1, 3)}
"""Inclusive range of choruses per piece, per form."""


# ------------------------------------------------------------------------------------------- API
def generate_piece(rng: np.random.Generator, form: str, key: int, choruses: int, title: str) -> Song:
    """One piece: ``choruses`` times the form in ``key``, five tracks, ground-truth chord labels.

    Args:
        rng: the random source (the tempo, then a seed for the many small choices); the same state
            gives the same Song.
        form: one of :data:`FORMS`.
        key: the tonic pitch class 0..11.
        choruses: how many times the form is played (at least 1).
        title: the song's title.

    Returns:
        A 4/4 :class:`~companion.song.Song` at :data:`RESOLUTION` with one tempo (120..220 bpm),
        tracks :data:`TRACK_NAMES` in that order and ``chords`` covering every bar; it is exactly
        ``choruses * FORM_BARS[form]`` bars long (``song.num_bars``).

    Raises:
        ValueError: for an unknown form, a key outside 0..11 or fewer than one chorus.
    """
    if choruses < 1:
        raise ValueError(f"choruses must be at least 1, got {choruses}")
    progression(form, key)  # validates form and key
    bpm = float(rng.integers(120, 221))
    r = random.Random(int(rng.integers(0, 2**62)))  # stdlib draws: ~10x cheaper one at a time than numpy's
    chords = _chord_labels(form, key, choruses)
    timeline = _Timeline(chords)
    num_bars = choruses * FORM_BARS[form]
    end = num_bars * TICKS_PER_BAR
    parts = {
        "melody": _melody(r, timeline, end),
        "comping": _comping(r, timeline, num_bars),
        "extensions": _extensions(r, chords),
        "bass": _bass(r, chords),
        "drums": _drums(r, num_bars),
    }
    tracks = [Track(name, PROGRAMS[name], is_drum=name == "drums", notes=sorted(parts[name])) for name in TRACK_NAMES]
    return Song(
        tracks=tracks,
        resolution=RESOLUTION,
        tempos=[Tempo(0, bpm)],
        time_signatures=[TimeSignature(0, 4, 4)],
        chords=chords,
        title=title,
    )


def generate_corpus(num_bars: int = 3000, seed: int = 0) -> list[Song]:
    """Pieces until exactly ``num_bars`` bars in total; the last piece is cut at a bar boundary.

    Forms take turns (ii-V-I, blues, rhythm changes, ii-V-I, ...), and each form runs through a
    fresh random order of the twelve keys every twelve of its pieces, so every key of every form
    occurs once 36 pieces are made (always within the first 2,640 bars). Tempo, number of choruses
    and all the notes are random. Piece ``i`` has its own random stream, so it is the same whatever
    ``num_bars`` is (apart from the cut of the last piece).

    Args:
        num_bars: total bars of the corpus (``sum(song.num_bars for song in corpus)``); 0 gives ``[]``.
        seed: the seed; equal seeds give equal corpora.

    Returns:
        The songs, titled like ``"jazz-0007 blues in Bb"``.

    Raises:
        ValueError: for a negative ``num_bars``.
    """
    if num_bars < 0:
        raise ValueError(f"num_bars must be >= 0, got {num_bars}")
    plan = np.random.default_rng([seed, 0])
    key_orders: dict[str, list[int]] = {form: [] for form in FORMS}
    songs: list[Song] = []
    total = 0
    index = 0
    while total < num_bars:
        form = FORMS[index % len(FORMS)]
        if not key_orders[form]:
            key_orders[form] = [int(k) for k in plan.permutation(12)]
        key = key_orders[form].pop(0)
        low, high = CHORUSES[form]
        choruses = int(plan.integers(low, high + 1))
        title = f"jazz-{index:04d} {form} in {KEY_NAMES[key]}"
        song = generate_piece(np.random.default_rng([seed, 1, index]), form, key, choruses, title)
        bars = choruses * FORM_BARS[form]
        if total + bars > num_bars:
            bars = num_bars - total
            song = song.crop(0, bars * TICKS_PER_BAR)
        songs.append(song)
        total += bars
        index += 1
    return songs
