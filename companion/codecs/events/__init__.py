"""Event tokens: a REMI-like language for music that keeps tracks, chords and octaves (lesson 05).

The seed's closing "further step" asks for a representation that removes the harmonic loss, the chord
problem and the octave problem of piano rolls and pitch-set tokens. This codec is that step, in the
spirit of REMI (Huang & Yang 2020) and MidiTok: a song is a sequence of small *events*, each token one
fact, from one fixed vocabulary (:data:`VOCAB`, 342 tokens; MidiTok's REMI has 357 by default).

A song reads, bar by bar::

    BOS TimeSig_4/4 Program...            header: the time signature, then one instrument per track
    Bar                                    a new bar
      Position_p [Nudge]                   onset time inside the bar, 12 steps per beat
        [Chord_<root><quality>|Chord_N]    a chord change here (ground truth on jazz, recognised elsewhere)
        Track_i                            the notes that follow belong to track i
          Octave_o Pitch_c Duration_d...   one note: octave + pitch class, duration in steps
          [Velocity_v]                     (optional: 8 dynamic levels)
    ... EOS

* **Time** is a Bar token per bar and a Position token per onset time, at 12 steps per beat, which
  holds 16ths, 8ths and swing/triplet eighths exactly (lesson 04's 16th grid moves every swung
  eighth by a third of a 16th and cannot hold a triplet). A few Bach chorales have 32nd notes, which
  need 24 steps per beat: for those the codec adds ``Nudge`` (half a step later) after a Position and
  ``DurNudge`` (half a step longer) after a Duration, so they round-trip exactly without doubling the
  Position vocabulary for a handful of notes. Long durations are sums of Duration tokens.
* **Harmony is explicit**: a Chord token at every chord change (root + one of the 11 qualities of
  :data:`companion.theory.CHORD_TEMPLATES`), from ``song.chords`` where a song has ground truth (the
  jazz corpus) and from the template recogniser :func:`companion.harmony.recognise_chords` elsewhere
  (the one the metric suite's chord-tone rate uses).
* **Pitch = Octave + PitchClass**, so the octave the piano roll hides is a token of its own, named in
  scientific pitch notation (middle C = C4 = MIDI 60 is ``Octave_4 Pitch_0``); with
  ``pitch="degree"`` (the default) the pitch class is written relative to the current chord root
  instead: the same 12 tokens, read as degrees 0..11, so "the third of the chord" is one token
  whatever the key. Notebook 05 measures both (``python -m companion.measurements.lesson05_event_tokens.pitch``)
  and degrees win on both corpora with chords.
* **Tracks are tokens**: the header gives each track an instrument (``Drums`` or a General MIDI program
  as ``ProgFamily`` + ``ProgMember``), the body switches with ``Track_i``; ``drums=False`` drops the
  drum tracks at encoding without touching anything else.

The round trip ``Song -> tokens -> Song`` is exact for every note (track, start, pitch, duration) on
the 24-steps-per-beat grid, for the time signatures, the track instruments and the chord labels
(:func:`roundtrip_report` checks it; the tests run it on every Bach chorale and every jazz piece).
Velocity is optional and then kept to 8 levels; tempo is not a token (decode uses the fitted tempo).

For the JSB benchmark (binary quarter-note frames, no onsets) the codec has a *frame serialisation*:
``BOS Frame <pitches of frame 0 ascending> Frame <pitches of frame 1> ... EOS``, each pitch as
``Octave Pitch``. It is an exact bijection with the frames (:meth:`EventCodec.encode_frames`,
:meth:`EventCodec.decode_frames`), so the sum of a model's token NLLs is exactly ``-log p(frames)``
and the NLL per frame compares with lesson 04 and with Bai et al. (2018).

Training recipes live in ``companion/recipes/gpt-events.json`` (a codec knows nothing of training);
:meth:`EventCodec.generation_prompt` gives ``BOS`` plus the fitted
corpus's header, to start sampling from, and :meth:`EventCodec.decode` falls back on the fitted track
layout when a sampled header is short.

Used by notebooks 05_event_tokens and 06_diminishing_returns (through :mod:`companion.zoo`).
The codec is split by concept, every name importable from here as before: :mod:`.vocab` (the fixed
vocabulary, token ids and kinds), :mod:`.grid` (a song's notes, chord changes and bars on the fine grid),
:mod:`.codec` (:class:`EventCodec`), :mod:`.reading` (the tolerant decoder) and :mod:`.frames` (the JSB
frame serialisation).
"""

from __future__ import annotations

from ...errors import CodecError  # noqa: F401  (re-exported: the names this module always had)
from ...harmony import recognise_chords  # noqa: F401
from ...song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Tempo, TimeSignature, Track  # noqa: F401
from ...theory import JSB_LOWEST_PITCH, RESOLUTION, STEPS_PER_BEAT  # noqa: F401
from ..base import Codec  # noqa: F401
from .codec import EventCodec, _first_eos, roundtrip_report  # noqa: F401
from .frames import song_frames  # noqa: F401
from .grid import _Event  # noqa: F401
from .vocab import (  # noqa: F401
    BAR,
    BOS,
    CHORD0,
    CHORD_N,
    CHORD_QUALITIES,
    DRUMS,
    DUR_NUDGE,
    DURATION0,
    DURATIONS,
    EOS,
    FAMILY0,
    FINE_STEPS_PER_BEAT,
    FRAME,
    LOWEST_OCTAVE,
    MAX_BEATS_PER_BAR,
    MAX_TRACKS,
    MEMBER0,
    NUDGE,
    NUM_OCTAVES,
    OCTAVE0,
    PAD,
    PITCH0,
    POSITION0,
    TIME_SIGNATURES,
    TIMESIG0,
    TOKEN_ID,
    TOKEN_KINDS,
    TRACK0,
    VELOCITY0,
    VELOCITY_LEVELS,
    VOCAB,
    _build_vocab,
    _split_duration,
    token_kind,
    vocabulary_breakdown,
)
