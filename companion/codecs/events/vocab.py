"""The event vocabulary: every token of the event codec, its id, its kind, and how durations are spelled.

The vocabulary is fixed (:data:`VOCAB`, 342 tokens; nothing is fitted): special tokens, Bar and Frame,
time signatures, positions at 12 steps per beat and the half-step Nudge, chords (root + one of 11
qualities), track slots, instruments (Drums or a General MIDI program as family + member), octaves,
pitch classes, durations (sums of :data:`DURATIONS`) and velocities. The grammar they form is in
:mod:`companion.codecs.events`.

Used by notebooks 05_event_tokens and 06_diminishing_returns (through :mod:`companion.codecs.events`).
"""

from __future__ import annotations

import bisect

from ...errors import CodecError
from ...song import PITCH_CLASS_NAMES
from ...theory import STEPS_PER_BEAT

# STEPS_PER_BEAT (companion.theory, 12): Position and Duration tokens count steps of 1/12 beat (16ths,
# 8ths and triplets are exact).

FINE_STEPS_PER_BEAT = 2 * STEPS_PER_BEAT
"""The exact grid of the codec: 12 steps per beat plus the half-step ``Nudge`` tokens (32nd notes)."""

MAX_BEATS_PER_BAR = 6
"""The longest bar the Position tokens cover (3/2, 6/4, 12/8)."""

TIME_SIGNATURES: tuple[tuple[int, int], ...] = (
    (4, 4), (3, 4), (2, 4), (5, 4), (6, 4), (2, 2), (3, 2), (3, 8), (5, 8), (6, 8), (7, 8), (9, 8), (12, 8),
)  # fmt: skip
"""The time signatures the codec writes (each bar a whole number of 1/12-beat steps, at most 6 beats)."""

CHORD_QUALITIES: tuple[str, ...] = ("maj", "min", "dim", "aug", "maj7", "m7", "7", "m7b5", "dim7", "6", "m6")
"""Chord qualities, as :data:`companion.theory.CHORD_TEMPLATES` and :data:`companion.theory.CHORD_TONES` name them."""

MAX_TRACKS = 16
"""Track slots (as many as MIDI channels)."""

DURATIONS: tuple[int, ...] = (
    *range(1, 25), *range(26, 49, 2), 54, 60, 66, 72, 84, 96, 120, 144, 192,
)  # fmt: skip
"""Duration token values in steps of 1/12 beat: every value up to 2 beats, even values up to 4, then
longer notes; a duration is written as a sum of these, largest first (so any length is exact)."""

VELOCITY_LEVELS = 8
"""Optional velocity tokens: 8 levels (ppp .. fff), 16 MIDI velocities each, decoded to the middle."""

NUM_OCTAVES = 11
"""MIDI pitches 0..127 span 11 octaves, named in scientific pitch notation: ``Octave_-1`` .. ``Octave_9``
(octave = pitch // 12 - 1, so middle C = C4 = MIDI 60 is ``Octave_4``, as :func:`companion.song.pitch_name`
spells it)."""

LOWEST_OCTAVE = -1
"""The octave of MIDI pitch 0 (C-1) in scientific pitch notation; token ``OCTAVE0 + k`` is octave ``k - 1``."""


def _build_vocab() -> list[str]:
    names = ["<pad>", "<bos>", "<eos>", "Bar", "Frame"]
    names += [f"TimeSig_{n}/{d}" for n, d in TIME_SIGNATURES]
    names += [f"Position_{p}" for p in range(STEPS_PER_BEAT * MAX_BEATS_PER_BAR)]
    names += ["Nudge"]
    names += ["Chord_N"] + [f"Chord_{PITCH_CLASS_NAMES[r]}{q}" for q in CHORD_QUALITIES for r in range(12)]
    names += [f"Track_{i}" for i in range(MAX_TRACKS)]
    names += ["Drums"] + [f"ProgFamily_{f}" for f in range(16)] + [f"ProgMember_{m}" for m in range(8)]
    names += [f"Octave_{o + LOWEST_OCTAVE}" for o in range(NUM_OCTAVES)]  # ids unchanged: only names
    names += [f"Pitch_{i}" for i in range(12)]
    names += [f"Duration_{d}" for d in DURATIONS] + ["DurNudge"]
    names += [f"Velocity_{v}" for v in range(VELOCITY_LEVELS)]
    return names


VOCAB: tuple[str, ...] = tuple(_build_vocab())
"""Every token name, in id order (the vocabulary is fixed: nothing is fitted)."""

TOKEN_ID: dict[str, int] = {name: i for i, name in enumerate(VOCAB)}
"""Token name -> id."""

PAD, BOS, EOS, BAR, FRAME = 0, 1, 2, 3, 4
TIMESIG0 = TOKEN_ID["TimeSig_4/4"]
POSITION0 = TOKEN_ID["Position_0"]
NUDGE = TOKEN_ID["Nudge"]
CHORD_N = TOKEN_ID["Chord_N"]
CHORD0 = CHORD_N + 1
TRACK0 = TOKEN_ID["Track_0"]
DRUMS = TOKEN_ID["Drums"]
FAMILY0 = TOKEN_ID["ProgFamily_0"]
MEMBER0 = TOKEN_ID["ProgMember_0"]
OCTAVE0 = TOKEN_ID[f"Octave_{LOWEST_OCTAVE}"]
"""Id of the lowest octave token; ``OCTAVE0 + pitch // 12`` is the octave token of ``pitch``."""
PITCH0 = TOKEN_ID["Pitch_0"]
DURATION0 = TOKEN_ID[f"Duration_{DURATIONS[0]}"]
DUR_NUDGE = TOKEN_ID["DurNudge"]
VELOCITY0 = TOKEN_ID["Velocity_0"]

TOKEN_KINDS: tuple[tuple[str, int, int], ...] = (
    ("special", PAD, BAR),
    ("bar", BAR, FRAME),
    ("frame", FRAME, TIMESIG0),
    ("timesig", TIMESIG0, POSITION0),
    ("position", POSITION0, CHORD_N),  # Position_* and Nudge
    ("chord", CHORD_N, TRACK0),
    ("track", TRACK0, DRUMS),
    ("program", DRUMS, OCTAVE0),
    ("octave", OCTAVE0, PITCH0),
    ("pitch", PITCH0, DURATION0),
    ("duration", DURATION0, VELOCITY0),  # Duration_* and DurNudge
    ("velocity", VELOCITY0, len(VOCAB)),
)
"""Token kind -> id range [start, stop): what notebook 05 colours the token strips by."""


def token_kind(token: int) -> str:
    """The kind of a token id (``"bar"``, ``"position"``, ``"chord"``, ``"octave"``, ...)."""
    for kind, start, stop in TOKEN_KINDS:
        if start <= token < stop:
            return kind
    raise CodecError(f"token {token} is outside the event vocabulary (0..{len(VOCAB) - 1})")


def vocabulary_breakdown() -> dict[str, int]:
    """Number of tokens of each kind (they sum to ``len(VOCAB)``)."""
    return {kind: stop - start for kind, start, stop in TOKEN_KINDS}


def _split_duration(steps: int) -> list[int]:
    """Duration token values summing to ``steps`` (>= 1), largest first."""
    out = []
    while steps > 0:
        value = DURATIONS[bisect.bisect_right(DURATIONS, steps) - 1]
        out.append(value)
        steps -= value
    return out
