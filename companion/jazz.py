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

Used by notebooks 00_tour, 01_representing_music, 02_musegan and 05_event_tokens.

Example:
    >>> from companion import jazz
    >>> corpus = jazz.generate_corpus(3000, seed=0)
    >>> sum(song.num_bars for song in corpus)
    3000
"""

from __future__ import annotations

import bisect
import random
from functools import cache

import numpy as np

from companion import theory
from companion.song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Tempo, TimeSignature, Track

RESOLUTION = theory.RESOLUTION
"""Ticks per beat (quarter note) of every jazz Song (:data:`companion.theory.RESOLUTION`)."""

STEPS_PER_BEAT = theory.STEPS_PER_BEAT
"""Grid steps per beat: every note start and duration is a multiple of ``RESOLUTION // 12 == 40`` ticks."""

STEP = RESOLUTION // STEPS_PER_BEAT
BEATS_PER_BAR = theory.BEATS_PER_BAR
TICKS_PER_BAR = RESOLUTION * BEATS_PER_BAR

REGISTERS: dict[str, tuple[int, int]] = theory.JAZZ_REGISTERS
"""Inclusive MIDI pitch range of each pitched track (C4 = 60): :data:`companion.theory.JAZZ_REGISTERS`."""

TRACK_NAMES = ("melody", "comping", "extensions", "bass", "drums")
"""Track order of every Song."""

PROGRAMS: dict[str, int] = {"melody": 66, "comping": 0, "extensions": 11, "bass": 32, "drums": 0}
"""General MIDI program per track: tenor sax, piano, vibraphone, acoustic bass, (drum kit)."""

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

VOICINGS: dict[str, tuple[tuple[int, ...], ...]] = {
    "maj7": ((4, 7, 11, 14), (4, 11, 14, 21), (4, 11, 14)),  # 3 5 7 9, 3 7 9 13, 3 7 9
    "m7": ((3, 7, 10, 14), (3, 10, 14, 17), (3, 10, 14)),  # 3 5 7 9, 3 7 9 11, 3 7 9
    "7": ((4, 9, 10, 14), (4, 7, 10, 14), (4, 10, 14)),  # 3 13 7 9, 3 5 7 9, 3 7 9
    "m7b5": ((3, 6, 10, 17), (3, 6, 10)),  # 3 b5 7 11, 3 b5 7
    "dim7": ((3, 6, 9, 14), (3, 6, 9)),  # 3 b5 bb7 9, 3 b5 bb7
    "6": ((4, 7, 9, 14), (4, 9, 14)),  # 3 5 6 9, 3 6 9
    "m6": ((3, 7, 9, 14), (3, 9, 14)),  # 3 5 6 9, 3 6 9
}
"""Rootless piano voicings per quality, as intervals above the root; every inversion of each is used."""

TENSIONS: dict[str, tuple[int, ...]] = {
    "maj7": (14, 18, 21),  # 9 #11 13 (the natural 11 clashes with the major 3rd)
    "m7": (14, 17, 21),  # 9 11 13
    "7": (14, 18, 21),  # 9 #11 13
    "m7b5": (14, 17, 20),  # 9 11 b13
    "dim7": (14, 17, 20),  # 9 11 b13 (a whole step above chord tones)
    "6": (14, 18),  # 9 #11
    "m6": (14, 17),  # 9 11
}
"""Upper extensions (9, 11, 13 with the usual alterations) the ``extensions`` track plays."""

CHORUSES: dict[str, tuple[int, int]] = {"ii-V-I": (2, 4), "blues": (2, 5), "rhythm-changes": (1, 3)}
"""Inclusive range of choruses per piece, per form."""

DRUM_RIDE, DRUM_HIHAT_PEDAL, DRUM_KICK, DRUM_SNARE = 51, 44, 36, 38

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

# Comping rhythms as (start step, length in steps), 12 steps a beat: whole bars of one chord...
_BAR_COMPS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((0, 10), (20, 16)),  # Charleston: 1, and-of-2 held
    ((0, 10), (20, 16)),
    ((8, 12), (32, 8)),  # reverse: and-of-1, and-of-3
    ((0, 8), (20, 4), (32, 12)),
    ((8, 4), (20, 12)),
    ((20, 4), (44, 4)),  # and-of-2, and-of-4
    ((0, 24), (32, 8)),
    ((12, 4), (36, 4)),  # short on 2 and 4
    ((8, 8), (32, 12)),
)
# ... and half bars (two chords in the bar, 24 steps each).
_HALF_COMPS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((0, 10),),
    ((8, 12),),
    ((0, 6), (20, 4)),
    ((0, 20),),
    ((8, 4), (20, 4)),
)

# Melody rhythm cells for one beat: (offset, duration) in ticks.
_SWING_EIGHTHS = ((0, 320), (320, 160))
_CELLS: tuple[tuple[tuple[int, int], ...], ...] = (
    _SWING_EIGHTHS,
    ((0, RESOLUTION),),  # quarter
    ((0, 160), (160, 160), (320, 160)),  # triplet eighths
    ((0, 320),),  # eighth then an eighth rest
    ((320, 160),),  # eighth rest then an off-beat eighth (push)
)
_CELL_WEIGHTS = (0.6, 0.2, 0.08, 0.06, 0.06)


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


# --------------------------------------------------------------------------------------- helpers
def _nearest(pc: int, ref: float, lo: int, hi: int) -> int:
    """The pitch of pitch class ``pc`` inside ``[lo, hi]`` nearest to ``ref`` (lower one on a tie)."""
    best = lo + (pc - lo) % 12
    p = best + 12
    while p <= hi:
        if abs(p - ref) < abs(best - ref):
            best = p
        p += 12
    return best


def _pitches_of(root: int, intervals: tuple[int, ...], lo: int, hi: int) -> list[int]:
    """All pitches in ``[lo, hi]`` whose pitch class is ``root`` plus one of ``intervals``."""
    pcs = {(root + i) % 12 for i in intervals}
    return [p for p in range(lo, hi + 1) if p % 12 in pcs]


def _step_in_scale(pitch: int, root: int, scale: tuple[int, ...], direction: int, lo: int, hi: int) -> int:
    """The next pitch of the scale from ``pitch`` in ``direction``, turning round at the register edge."""
    pcs = {(root + i) % 12 for i in scale}
    for d in (direction, -direction):
        p = pitch + d
        while lo <= p <= hi:
            if p % 12 in pcs:
                return p
            p += d
    return pitch


@cache
def _voicing_candidates(root: int, quality: str) -> tuple[tuple[int, ...], ...]:
    """Every close-position inversion of every rootless voicing of the chord inside the comping register."""
    lo, hi = REGISTERS["comping"]
    found: set[tuple[int, ...]] = set()
    for shape in VOICINGS[quality]:
        pcs = sorted({(root + i) % 12 for i in shape})
        for r in range(len(pcs)):
            order = pcs[r:] + pcs[:r]
            stack = [order[0]]
            for pc in order[1:]:
                stack.append(stack[-1] + (pc - stack[-1]) % 12)
            for octave in range(10):
                voicing = tuple(p + 12 * octave for p in stack)
                if voicing[0] < lo:
                    continue
                if voicing[-1] > hi:
                    break
                if voicing[0] < 53 and voicing[1] - voicing[0] < 3:  # low-interval limit: no mud
                    continue
                found.add(voicing)
    return tuple(sorted(found))


def _choose_voicing(r: random.Random, root: int, quality: str, previous: tuple[int, ...] | None) -> tuple[int, ...]:
    """The voicing moving least from ``previous`` (a little randomised), or one near middle C at first."""
    candidates = _voicing_candidates(root, quality)
    if previous is None:
        center = 60 + r.uniform(-3, 3)
        return min(candidates, key=lambda v: abs(sum(v) / len(v) - center))
    prev_mean = sum(previous) / len(previous)

    def motion(v: tuple[int, ...]) -> float:
        if len(v) == len(previous):
            cost = sum(abs(a - b) for a, b in zip(v, previous, strict=True))
        else:
            cost = abs(sum(v) / len(v) - prev_mean) * len(v) + 1.0
        drift = max(0.0, abs(sum(v) / len(v) - 61) - 5)  # keep the hands around the middle
        return cost + drift + 2.5 * r.random()

    return min(candidates, key=motion)


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


# ----------------------------------------------------------------------------------------- parts
def _bass(r: random.Random, chords: list[ChordLabel]) -> list[Note]:
    """Walking quarter notes: root on each chord's first beat, chord/scale tones, chromatic approaches."""
    lo, hi = REGISTERS["bass"]
    notes: list[Note] = []
    prev = 40 + r.randint(-3, 3)
    target: int | None = None
    for i, chord in enumerate(chords):
        beats = chord.duration // RESOLUTION
        tones, scale = CHORD_TONES[chord.quality], SCALES[chord.quality]
        nxt = chords[i + 1] if i + 1 < len(chords) else None
        pitch = target if target is not None else _nearest(chord.root, prev, lo, hi)
        target = None
        line = [pitch]
        for b in range(1, beats):
            cur = line[-1]
            if b == beats - 1 and nxt is not None:
                target = _nearest(nxt.root, cur + r.choice((-2, 2)), lo, hi)
                fifths = [p for p in (target + 7, target - 5) if lo <= p <= hi and p != cur]
                u = r.random()
                if u < 0.6:  # chromatic approach from a semitone below or above
                    sides = [target - 1, target + 1]
                    r.shuffle(sides)
                    step = next(p for p in sides if lo <= p <= hi)
                elif u < 0.8 and fifths:  # the next chord's fifth, above or below the target
                    step = r.choice(fifths)
                else:  # a scale step towards the target
                    direction = 1 if target > cur else -1
                    step = _step_in_scale(cur, chord.root, scale, direction, lo, hi)
                    if step == target:
                        step = _step_in_scale(cur, chord.root, scale, -direction, lo, hi)
            elif b % 2 == 0 or r.random() < 0.4:  # a chord tone (not the same note again)
                back = line[-2] if len(line) > 1 else None  # no see-saw between two notes
                near = _pitches_of(chord.root, tones, lo, hi)
                options = [p for p in near if 0 < abs(p - cur) <= 7 and p != back]
                step = r.choice(options) if options else cur
            else:
                direction = r.choice((-1, 1)) if lo + 2 < cur < hi - 2 else (1 if cur <= lo + 2 else -1)
                step = _step_in_scale(cur, chord.root, scale, direction, lo, hi)
            line.append(step)
        for b, p in enumerate(line):
            accent = 8 if b % 2 else 0
            velocity = 74 + accent + r.randint(0, 16)
            notes.append(Note(chord.tick + b * RESOLUTION, p, RESOLUTION - STEP, velocity))
        prev = line[-1]
    return notes


def _comping(r: random.Random, timeline: _Timeline, num_bars: int) -> list[Note]:
    """Rootless voicings in syncopated swing rhythms, each chord voiced nearest the previous voicing."""
    notes: list[Note] = []
    previous: tuple[int, ...] | None = None
    voiced: dict[int, tuple[int, ...]] = {}
    for bar in range(num_bars):
        start = bar * TICKS_PER_BAR
        split = timeline.index_at(start) != timeline.index_at(start + TICKS_PER_BAR // 2)
        if split:
            hits = [(h0, hl) for h0, hl in r.choice(_HALF_COMPS)]
            hits += [(24 + h0, hl) for h0, hl in r.choice(_HALF_COMPS)]
        else:
            hits = list(r.choice(_BAR_COMPS))
        for step0, length in hits:
            tick = start + step0 * STEP
            ci = timeline.index_at(tick)
            chord = timeline.chords[ci]
            key = ci * 1000 + (tick - chord.tick) // TICKS_PER_BAR  # re-voice long chords bar by bar
            if key not in voiced:
                same_chord = (tick - chord.tick) >= TICKS_PER_BAR and previous is not None
                if same_chord and r.random() < 0.6:
                    voiced[key] = previous
                else:
                    voiced[key] = _choose_voicing(r, chord.root, chord.quality, previous)
            voicing = voiced[key]
            previous = voicing
            duration = min(length * STEP, chord.tick + chord.duration - tick)
            velocity = 52 + r.randint(0, 26)
            for j, p in enumerate(voicing):
                top = 6 if j == len(voicing) - 1 else 0
                notes.append(Note(tick, p, duration, min(127, velocity + top + r.randint(-4, 4))))
    return notes


def _melody_rhythm(r: random.Random, end: int) -> list[tuple[int, int, bool]]:
    """Phrases of swing eighths, quarters and triplets with rests between: (start, duration, phrase start)."""
    events: list[tuple[int, int, bool]] = []
    beat = r.choice((0, 0, 1, 2))
    total_beats = end // RESOLUTION
    while beat < total_beats - 1:
        length = min(r.randint(3, 11), total_beats - beat)
        first = True
        if beat > 0 and r.random() < 0.3:  # pickup: an off-beat eighth before the phrase
            events.append(((beat - 1) * RESOLUTION + 320, 160, True))
            first = False
        for k in range(length - 1):
            cell = r.choices(_CELLS, _CELL_WEIGHTS)[0]
            if first and cell[0][0] != 0:
                cell = _SWING_EIGHTHS
            for offset, duration in cell:
                events.append(((beat + k) * RESOLUTION + offset, duration, first))
                first = False
        last = (beat + length - 1) * RESOLUTION
        hold = r.choice((1, 1, 2, 2, 3)) * RESOLUTION - (STEP * 2 if r.random() < 0.5 else 0)
        hold = min(hold, end - last)
        events.append((last, hold, first))
        beat = -(-(last + hold) // RESOLUTION) + r.choice((1, 1, 2, 2, 3, 4))
    return events


def _melody(r: random.Random, timeline: _Timeline, end: int) -> list[Note]:
    """Pitches for the rhythm: chord tones on beats 1 and 3, scale and approach tones in between."""
    lo, hi = REGISTERS["melody"]
    pitches: list[int] = []
    events = _melody_rhythm(r, end)
    cur = 70 + r.randint(-4, 4)
    direction = r.choice((-1, 1))
    velocity = 90
    for i, (tick, _, phrase_start) in enumerate(events):
        chord = timeline.at(tick)
        tones, scale = CHORD_TONES[chord.quality], SCALES[chord.quality]
        if phrase_start:
            direction = r.choice((-1, 1))
            velocity = 82 + r.randint(0, 18)
        if cur > hi - 5:
            direction = -1
        elif cur < lo + 5:
            direction = 1
        elif r.random() < 0.15:
            direction = -direction
        strong = tick % (2 * RESOLUTION) == 0
        on_beat = tick % RESOLUTION == 0
        if (strong and r.random() < 0.93) or (on_beat and not strong and r.random() < 0.55) or phrase_start:
            aim = cur + direction * r.choice((1, 2, 3, 4))
            options = [p for p in _pitches_of(chord.root, tones, lo, hi) if p != cur] or [cur]
            pitch = min(options, key=lambda p: abs(p - aim))
            prev_end = events[i - 1][0] + events[i - 1][1] if i else -1
            if strong and prev_end == tick and events[i - 1][0] % RESOLUTION and r.random() < 0.35:
                approach = pitch + r.choice((-1, 1))  # chromatic approach into the chord tone
                if lo <= approach <= hi:
                    pitches[-1] = approach
        elif not on_beat and r.random() < 0.12:
            pitch = min(max(cur + direction, lo), hi)  # chromatic passing tone
        else:
            pitch = _step_in_scale(cur, chord.root, scale, direction, lo, hi)
            if r.random() < 0.2:
                pitch = _step_in_scale(pitch, chord.root, scale, direction, lo, hi)
        pitches.append(pitch)
        cur = pitch
    notes = []
    for (tick, duration, _), pitch in zip(events, pitches, strict=True):
        if duration > RESOLUTION:  # held notes stop at the chord change
            duration = min(duration, timeline.end_of(tick) - tick)
        accent = 8 if tick % RESOLUTION == 0 else -6
        notes.append(Note(tick, pitch, duration, max(1, min(127, velocity + accent + r.randint(-6, 6)))))
    return notes


def _extensions(r: random.Random, chords: list[ChordLabel]) -> list[Note]:
    """Now and then one or two upper extensions of the chord, held inside the chord."""
    lo, hi = REGISTERS["extensions"]
    notes: list[Note] = []
    for chord in chords:
        if r.random() >= 0.35:
            continue
        tick = chord.tick + r.choice((0, 0, 320, RESOLUTION))
        span = chord.tick + chord.duration - tick
        duration = min(span, r.choice((2, 3, 4, 6)) * RESOLUTION - r.choice((0, 80)))
        tensions = list(TENSIONS[chord.quality])
        r.shuffle(tensions)
        velocity = 44 + r.randint(0, 22)
        chosen: set[int] = set()
        for tension in tensions[: r.choice((1, 1, 2))]:
            options = [p for p in _pitches_of(chord.root, (tension,), lo, hi) if p not in chosen]
            pitch = r.choice(options)
            chosen.add(pitch)
            notes.append(Note(tick, pitch, duration, velocity + r.randint(-5, 5)))
    return notes


def _drums(r: random.Random, num_bars: int) -> list[Note]:
    """Ride swing pattern (1, 2, 2-let, 3, 4, 4-let), hi-hat on 2 and 4, occasional kick and snare."""
    notes: list[Note] = []
    hit = 120
    for bar in range(num_bars):
        start = bar * TICKS_PER_BAR
        busy = 0.18 if bar % 4 == 3 else 0.06  # more comping at the end of four-bar phrases
        for beat in range(BEATS_PER_BAR):
            t = start + beat * RESOLUTION
            notes.append(Note(t, DRUM_RIDE, hit, (88 if beat % 2 else 72) + r.randint(0, 14)))
            skip = 0.92 if beat % 2 else 0.08
            if r.random() < skip:
                notes.append(Note(t + 320, DRUM_RIDE, hit, 56 + r.randint(0, 16)))
            if beat % 2:
                notes.append(Note(t, DRUM_HIHAT_PEDAL, hit, 58 + r.randint(0, 18)))
            for offset in (0, 320):
                u = r.random()
                if u < busy * 0.6:
                    notes.append(Note(t + offset, DRUM_SNARE, hit, 40 + r.randint(0, 60)))
                elif u < busy:
                    notes.append(Note(t + offset, DRUM_KICK, hit, 50 + r.randint(0, 50)))
    return notes


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
