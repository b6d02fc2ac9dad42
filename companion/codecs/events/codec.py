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
  whatever the key. Notebook 05 measures both (``python -m companion.experiments.gpt_events_pitch``)
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
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import CodecError
from ..harmony import recognise_chords
from ..song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Tempo, TimeSignature, Track
from ..theory import JSB_LOWEST_PITCH, RESOLUTION, STEPS_PER_BEAT
from .base import Codec

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


@dataclass(frozen=True)
class _Event:
    """One note on the fine grid (1/24 beat), ready to be written."""

    start: int
    track: int
    pitch: int
    duration: int
    velocity: int


class EventCodec(Codec):
    """REMI-like event tokens with a fixed vocabulary; implements :class:`companion.codecs.tokens.TokenCodec`.

    Args:
        pitch: ``"degree"`` (Octave + the pitch class relative to the current chord's root; drums stay
            absolute) or ``"absolute"`` (Octave + PitchClass). Degrees are the default because they
            measured better (``results/gpt_events_pitch.json``: lower validation NLL on jazz and bach
            at the same budget). The JSB frame serialisation has no chords and is always absolute.
        chords: write Chord tokens (ground truth from ``song.chords``, else recognised).
        drums: keep drum tracks (False drops them at encoding).
        velocity: write a Velocity token (8 levels) after each note's duration.
        quantize: snap songs that are off the 24-steps-per-beat grid to the 12-step grid (a note never
            shrinks below one step); with False such a song raises :class:`CodecError`.

    Example:
        >>> codec = EventCodec()
        >>> codec.describe(codec.encode_frames(np.eye(88, dtype=np.uint8)[[39, 43]])[0])
        ['<bos>', 'Frame', 'Octave_4', 'Pitch_C', 'Frame', 'Octave_4', 'Pitch_E', '<eos>']
    """

    name = "events"
    generation_chunk = 256
    vocab_size = len(VOCAB)
    pad_id, bos_id, eos_id = PAD, BOS, EOS
    bar_id, frame_id = BAR, FRAME

    def __init__(
        self,
        pitch: str = "degree",
        *,
        chords: bool = True,
        drums: bool = True,
        velocity: bool = False,
        quantize: bool = True,
    ) -> None:
        if pitch not in ("absolute", "degree"):
            raise CodecError(f"pitch must be 'absolute' or 'degree', not {pitch!r}")
        self.pitch = pitch
        self.chords = bool(chords)
        self.drums = bool(drums)
        self.velocity = bool(velocity)
        self.quantize = bool(quantize)
        self.frames_mode = False
        self.bpm = 100.0
        self.layout: list[tuple[str, int, bool]] = []
        self.time_signature = (4, 4)

    # ------------------------------------------------------------------ fitting
    def fit(self, songs: list[Song]) -> None:
        """Nothing to learn for the vocabulary (it is fixed); records the median tempo and the most
        common track layout (names, programs, drums) of the TRAIN songs, used when decoding."""
        self.frames_mode = False
        tempos = sorted(s.tempos[0].bpm for s in songs if s.tempos)
        self.bpm = float(tempos[len(tempos) // 2]) if tempos else 100.0
        layouts = Counter(tuple((t.name, t.program, t.is_drum) for t in self._kept_tracks(s)) for s in songs)
        self.layout = [tuple(x) for x in layouts.most_common(1)[0][0]] if layouts else []
        signatures = Counter(
            (s.time_signatures[0].numerator, s.time_signatures[0].denominator) for s in songs if s.time_signatures
        )
        self.time_signature = signatures.most_common(1)[0][0] if signatures else (4, 4)
        if self.time_signature not in TIME_SIGNATURES:
            self.time_signature = (4, 4)

    def fit_frames(self, frames: list[np.ndarray]) -> None:
        """Switch to the JSB frame serialisation (88 keys from A0, one frame per quarter note); the
        vocabulary stays fixed, so nothing is learnt from ``frames`` beyond checking their shape."""
        for piece in frames:
            self._check_frames(piece)
        self.frames_mode = True
        self.bpm = 100.0
        self.layout = [("Chorale", 52, False)]

    def name_frame_track(self, name: str, program: int) -> None:
        """Name the one track frames decode to (a benchmark's own: ``Chorale``, ``Folk tune`` ...)."""
        self.layout = [(str(name), int(program), False)]

    def generation_prompt(self) -> list[int]:
        """``BOS`` and the header of the fitted corpus (its time signature and track instruments): the
        prompt to start sampling from, so a sampled song has the corpus's instruments. Just ``BOS`` in
        frame mode or before :meth:`fit`."""
        if self.frames_mode or not self.layout:
            return [BOS]
        tokens = [BOS, TIMESIG0 + TIME_SIGNATURES.index(self.time_signature)]
        for _, program, drum in self.layout:
            tokens += [DRUMS] if drum else [FAMILY0 + program // 8, MEMBER0 + program % 8]
        return tokens

    def _kept_tracks(self, song: Song) -> list[Track]:
        return [t for t in song.tracks if self.drums or not t.is_drum]

    # ------------------------------------------------------------------ names
    @staticmethod
    def token_name(token: int) -> str:
        """The readable name of a token id (``"Octave_4"``, ``"Chord_Gm7"`` ...)."""
        if not 0 <= token < len(VOCAB):
            raise CodecError(f"token {token} is outside the event vocabulary (0..{len(VOCAB) - 1})")
        return VOCAB[token]

    def describe(self, tokens: Sequence[int]) -> list[str]:
        """Token names of a sequence; pitch tokens read as pitch classes or degrees (``Pitch_E``,
        ``Degree_3``) according to the codec's ``pitch`` mode (frames are always pitch classes)."""
        tokens = [int(x) for x in tokens]
        degrees = self.pitch == "degree" and not self.frames_mode and FRAME not in tokens
        drum_slots = {i for i, (_, _, drum) in enumerate(self.layout) if drum}
        slots, header, track = 0, True, 0
        out = []
        for t in tokens:
            name = self.token_name(t)
            if header and (t == DRUMS or MEMBER0 <= t < OCTAVE0):  # one instrument of the header
                drum_slots = (drum_slots - {slots}) | ({slots} if t == DRUMS else set())
                slots += 1
            elif t == BAR:
                header = False
            elif TRACK0 <= t < DRUMS:
                track = t - TRACK0
            elif PITCH0 <= t < PITCH0 + 12:
                i = t - PITCH0
                drum = track in drum_slots  # drum notes are never degrees
                name = f"Degree_{i}" if degrees and not drum else f"Pitch_{PITCH_CLASS_NAMES[i]}"
            out.append(name)
        return out

    # ------------------------------------------------------------------ songs -> events
    def _fine_events(self, song: Song) -> tuple[list[_Event], list[Track], int]:
        """Notes of the kept tracks on the 1/24-beat grid, the tracks, and the ticks per fine step
        (as a float scale: fine = tick * 24 / resolution)."""
        tracks = self._kept_tracks(song)
        if len(tracks) > MAX_TRACKS:
            raise CodecError(f"{song.title or 'song'}: {len(tracks)} tracks; the event codec holds {MAX_TRACKS}")
        res = song.resolution
        exact = all(
            (n.start * FINE_STEPS_PER_BEAT) % res == 0 and (n.duration * FINE_STEPS_PER_BEAT) % res == 0
            for t in tracks
            for n in t.notes
        )
        if not exact and not self.quantize:
            raise CodecError(
                f"{song.title or 'song'}: notes off the 24-steps-per-beat grid (grid {song.grid()}); "
                "quantize=True snaps them to 12 steps per beat"
            )
        events = []
        for i, track in enumerate(tracks):
            for n in track.notes:
                if not 0 <= n.pitch <= 127:
                    raise CodecError(f"{song.title or 'song'}: pitch {n.pitch} is outside MIDI 0..127")
                if exact:
                    start = n.start * FINE_STEPS_PER_BEAT // res
                    duration = n.duration * FINE_STEPS_PER_BEAT // res
                else:
                    s = int(round(n.start * STEPS_PER_BEAT / res))
                    e = max(int(round(n.end * STEPS_PER_BEAT / res)), s + 1)
                    start, duration = 2 * s, 2 * (e - s)
                if duration <= 0:
                    continue  # a zero-length note sounds nothing; MIDI readers drop it too
                events.append(_Event(start, i, n.pitch, duration, n.velocity))
        events.sort(key=lambda e: (e.start, e.track, e.pitch, e.duration, e.velocity))
        return events, tracks, res

    def _chord_labels(self, song: Song) -> list[ChordLabel]:
        """The song's chord labels (ground truth), else the recognised ones; none without ``chords``."""
        if not self.chords:
            return []
        if song.chords:
            labels = sorted(song.chords, key=lambda c: c.tick)
        else:
            labels = recognise_chords(song)
        for c in labels:
            if c.quality not in CHORD_QUALITIES:
                raise CodecError(f"{song.title or 'song'}: chord quality {c.quality!r} is not one of {CHORD_QUALITIES}")
        return labels

    @staticmethod
    def _chord_changes(labels: list[ChordLabel], resolution: int, bars_end: int) -> list[tuple[int, int]]:
        """(fine time, chord token) of every chord change; a gap between labels, or silence after the
        last one inside the last bar, is a ``Chord_N``."""
        changes: list[tuple[int, int]] = []
        end = 0
        for c in labels:
            start = int(round(c.tick * FINE_STEPS_PER_BEAT / resolution))
            stop = int(round((c.tick + c.duration) * FINE_STEPS_PER_BEAT / resolution))
            if stop <= start:
                continue
            if changes and start > end:
                changes.append((end, CHORD_N))
            while changes and changes[-1][0] >= start:
                changes.pop()
            changes.append((start, CHORD0 + CHORD_QUALITIES.index(c.quality) * 12 + c.root % 12))
            end = stop
        if changes and end < bars_end:
            changes.append((end, CHORD_N))
        return changes

    @staticmethod
    def _bars(song: Song, fine_end: int) -> list[tuple[int, int, tuple[int, int]]]:
        """(fine start, fine length, time signature) of every bar up to ``fine_end`` (at least one bar)."""
        res = song.resolution
        signatures = sorted(song.time_signatures or [TimeSignature(0)], key=lambda ts: ts.tick)
        pending = [
            (int(round(ts.tick * FINE_STEPS_PER_BEAT / res)), (ts.numerator, ts.denominator)) for ts in signatures
        ]
        current = pending.pop(0)[1]
        bars: list[tuple[int, int, tuple[int, int]]] = []
        start = 0
        while start < fine_end or not bars:
            while pending and pending[0][0] <= start:
                tick, signature = pending.pop(0)
                if tick < start and signature != current:
                    raise CodecError(f"{song.title or 'song'}: a time signature change is not on a bar line")
                current = signature
            if current not in TIME_SIGNATURES:
                raise CodecError(
                    f"{song.title or 'song'}: time signature {current[0]}/{current[1]} is not one the codec writes"
                )
            length = FINE_STEPS_PER_BEAT * 4 * current[0] // current[1]
            bars.append((start, length, current))
            start += length
        if any(tick < start and signature != current for tick, signature in pending):
            raise CodecError(f"{song.title or 'song'}: a time signature change is not on a bar line")
        return bars  # changes after the last bar are dropped: nothing sounds under them

    def encode(self, song: Song) -> list[int]:
        """Tokens ``BOS header body EOS`` of a song (see the module docstring); in frame mode (after
        :meth:`fit_frames`) the song's quarter-note frames in the JSB serialisation instead."""
        if self.frames_mode:
            return self.encode_frames(song_frames(song))[0]
        events, tracks, res = self._fine_events(song)
        labels = self._chord_labels(song)
        fine_end = max((e.start + e.duration for e in events), default=0)
        fine_end = max([fine_end] + [int(round((c.tick + c.duration) * FINE_STEPS_PER_BEAT / res)) for c in labels])
        bars = self._bars(song, fine_end)
        changes = self._chord_changes(labels, res, bars[-1][0] + bars[-1][1])

        tokens = [BOS, TIMESIG0 + TIME_SIGNATURES.index(bars[0][2])]
        for track in tracks:
            if track.is_drum:
                tokens.append(DRUMS)
            else:
                tokens += [FAMILY0 + track.program // 8, MEMBER0 + track.program % 8]
        # merge onsets and chord changes into one time-ordered stream of positions
        times = sorted({e.start for e in events} | {t for t, _ in changes})
        by_time: dict[int, list[_Event]] = {}
        for e in events:
            by_time.setdefault(e.start, []).append(e)
        chord_at = dict(changes)
        bar_starts = [b[0] for b in bars]
        signature = bars[0][2]
        root = 0
        b = -1
        for time in times:
            while b + 1 < len(bars) and bars[b + 1][0] <= time:
                b += 1
                tokens.append(BAR)
                if bars[b][2] != signature:
                    signature = bars[b][2]
                    tokens.append(TIMESIG0 + TIME_SIGNATURES.index(signature))
            offset = time - bar_starts[b]
            tokens.append(POSITION0 + offset // 2)
            if offset % 2:
                tokens.append(NUDGE)
            if time in chord_at:
                token = chord_at[time]
                tokens.append(token)
                root = (token - CHORD0) % 12 if token != CHORD_N else 0
            track = -1
            for e in by_time.get(time, ()):
                if e.track != track:
                    track = e.track
                    tokens.append(TRACK0 + track)
                pc = e.pitch % 12
                if self.pitch == "degree" and not tracks[e.track].is_drum:
                    pc = (pc - root) % 12
                tokens += [OCTAVE0 + e.pitch // 12, PITCH0 + pc]
                tokens += [DURATION0 + DURATIONS.index(v) for v in _split_duration(e.duration // 2)]
                if e.duration % 2:
                    tokens.append(DUR_NUDGE)
                if self.velocity:
                    tokens.append(VELOCITY0 + min(max(e.velocity, 0), 127) // (128 // VELOCITY_LEVELS))
        while b + 1 < len(bars):  # empty bars at the end (a chord held over silence)
            b += 1
            tokens.append(BAR)
            if bars[b][2] != signature:
                signature = bars[b][2]
                tokens.append(TIMESIG0 + TIME_SIGNATURES.index(signature))
        tokens.append(EOS)
        return tokens

    # ------------------------------------------------------------------ events -> songs
    def decode(self, tokens: Sequence[int], *, title: str = "", resolution: int = RESOLUTION) -> Song:
        """A song from tokens. Tolerant of model output: stops at the first EOS, skips PAD/BOS and any
        token that does not fit the grammar where it stands (a pitch class without an octave, a
        duration without a pitch ...). Frame tokens (the JSB serialisation) decode to a one-track song
        with one note per held pitch."""
        tokens = [int(t) for t in tokens]
        if FRAME in tokens[: _first_eos(tokens)] or (self.frames_mode and BAR not in tokens):
            return self.frames_to_song(self.decode_frames(tokens), title=title)
        fine = resolution // FINE_STEPS_PER_BEAT
        if fine * FINE_STEPS_PER_BEAT != resolution:
            raise CodecError(f"decode resolution {resolution} is not a multiple of {FINE_STEPS_PER_BEAT}")
        programs: list[tuple[int, bool]] = []
        signatures: list[TimeSignature] = []
        chords: list[tuple[int, int]] = []  # (fine time, chord token)
        notes: dict[int, list[Note]] = {}
        signature: tuple[int, int] | None = None
        bar_start: int | None = None  # fine time of the current bar (None before the first Bar)
        time = track = root = 0
        octave: int | None = None
        family: int | None = None
        note: list[int] | None = None  # [track, start, pitch, duration, velocity], fine steps
        level = 128 // VELOCITY_LEVELS

        def bar_length() -> int:
            return FINE_STEPS_PER_BEAT * 4 * signature[0] // signature[1] if signature else 4 * FINE_STEPS_PER_BEAT

        def slot(i: int) -> tuple[int, bool]:
            """(program, drums) of track slot i: from the header, else the fitted layout (model output
            whose header is short or garbled still gets the corpus's instruments)."""
            if i < len(programs):
                return programs[i]
            if i < len(self.layout):
                return self.layout[i][1], self.layout[i][2]
            return 0, False

        def flush() -> None:
            nonlocal note
            if note is not None and note[3] > 0:
                t, start, pitch, duration, velocity = note
                notes.setdefault(t, []).append(Note(start * fine, pitch, duration * fine, velocity))
            note = None

        for token in tokens:
            if token == EOS:
                break
            kind = token_kind(token)
            if kind == "duration" and note is not None:
                note[3] += 1 if token == DUR_NUDGE else 2 * DURATIONS[token - DURATION0]
                continue
            if kind == "velocity" and note is not None and note[3] > 0:
                note[4] = (token - VELOCITY0) * level + level // 2
                continue
            flush()
            previous_octave, octave = octave, None
            if kind == "timesig":
                new = TIME_SIGNATURES[token - TIMESIG0]
                tick = (bar_start or 0) * fine
                if new != signature:
                    if signatures and signatures[-1].tick == tick:
                        signatures.pop()
                    signatures.append(TimeSignature(tick, *new))
                    signature = new
            elif kind == "program":
                if bar_start is not None:
                    continue  # instruments belong to the header
                if token == DRUMS:
                    programs.append((0, True))
                    family = None
                elif token < MEMBER0:
                    family = token - FAMILY0
                elif family is not None:
                    programs.append((family * 8 + token - MEMBER0, False))
                    family = None
            elif kind == "bar":
                bar_start = 0 if bar_start is None else bar_start + bar_length()
                time = bar_start
            elif bar_start is None:
                continue  # body tokens before the first Bar
            elif kind == "position":
                time = time + 1 if token == NUDGE else bar_start + 2 * (token - POSITION0)
            elif kind == "chord":
                chords.append((time, token))
                root = 0 if token == CHORD_N else (token - CHORD0) % 12
            elif kind == "track":
                track = token - TRACK0
            elif kind == "octave":
                octave = token - OCTAVE0
            elif kind == "pitch" and previous_octave is not None:
                pc = token - PITCH0
                if self.pitch == "degree" and not slot(track)[1]:
                    pc = (pc + root) % 12
                pitch = 12 * previous_octave + pc
                if pitch <= 127:
                    note = [track, time, pitch, 0, 90]
        flush()
        if not signatures or signatures[0].tick != 0:
            signatures.insert(0, TimeSignature(0, 4, 4))
        num_tracks = max([len(programs)] + [t + 1 for t in notes])
        song_tracks = []
        for i in range(num_tracks):
            program, drum = slot(i)
            song_tracks.append(Track(self._track_name(i, program, drum), program, drum, sorted(notes.get(i, []))))
        end = max((n.end for t in song_tracks for n in t.notes), default=0)
        if bar_start is not None:
            end = max(end, (bar_start + bar_length()) * fine)
        labels = []
        for k, (t, token) in enumerate(chords):
            stop = chords[k + 1][0] * fine if k + 1 < len(chords) else end
            if token != CHORD_N and stop > t * fine:
                index = token - CHORD0
                labels.append(ChordLabel(t * fine, stop - t * fine, index % 12, CHORD_QUALITIES[index // 12]))
        return Song(
            tracks=song_tracks,
            resolution=resolution,
            tempos=[Tempo(0, self.bpm)],
            time_signatures=signatures,
            chords=labels,
            title=title,
        )

    def _track_name(self, index: int, program: int, drum: bool) -> str:
        if index < len(self.layout) and (self.layout[index][1], self.layout[index][2]) == (program, drum):
            return self.layout[index][0]
        return "drums" if drum else f"track {index}"

    # ------------------------------------------------------------------ JSB frames
    @staticmethod
    def _check_frames(frames: np.ndarray) -> np.ndarray:
        frames = np.asarray(frames)
        if frames.ndim != 2 or frames.shape[1] != 88:
            raise CodecError(f"frames must be (T, 88) binary arrays (keys from MIDI 21), got shape {frames.shape}")
        if frames.size and (frames.min() < 0 or frames.max() > 1):
            raise CodecError("frames must be binary (0/1)")
        return frames.astype(bool)

    def encode_frames(self, frames: np.ndarray) -> tuple[list[int], list[int]]:
        """The JSB serialisation ``BOS (Frame (Octave Pitch)*)* EOS``, pitches ascending, and the frame
        of every token after BOS: a frame's Frame token, its pitches and the token that closes it
        (the next Frame, or EOS) belong to it, so the per-frame NLLs sum to ``-log p(frames, end)``."""
        frames = self._check_frames(frames)
        tokens, frame_of = [BOS], []
        rows, cols = np.nonzero(frames)
        bounds = np.searchsorted(rows, np.arange(len(frames) + 1)).tolist()
        pitches = (cols + JSB_LOWEST_PITCH).tolist()
        for t in range(len(frames)):
            tokens.append(FRAME)
            frame_of.append(max(t - 1, 0))  # the Frame token closes the previous frame
            for p in pitches[bounds[t] : bounds[t + 1]]:
                tokens += [OCTAVE0 + p // 12, PITCH0 + p % 12]
                frame_of += [t, t]
        tokens.append(EOS)
        frame_of.append(max(len(frames) - 1, 0))
        return tokens, frame_of

    def decode_frames(self, tokens: Sequence[int]) -> np.ndarray:
        """(T, 88) uint8 frames of the JSB serialisation; stops at the first EOS, skips PAD/BOS and
        anything that is not ``Frame``, ``Octave`` or ``Pitch`` (tolerant of model output: a pitch
        outside the 88 keys, or without an octave, is dropped)."""
        rows: list[list[int]] = []
        octave = None
        for token in (int(t) for t in tokens):
            if token == EOS:
                break
            if not 0 <= token < len(VOCAB):
                raise CodecError(f"token {token} is outside the event vocabulary (0..{len(VOCAB) - 1})")
            if token == FRAME:
                rows.append([])
                octave = None
            elif OCTAVE0 <= token < OCTAVE0 + NUM_OCTAVES:
                octave = token - OCTAVE0
            elif PITCH0 <= token < PITCH0 + 12 and octave is not None and rows:
                key = 12 * octave + token - PITCH0 - JSB_LOWEST_PITCH
                if 0 <= key < 88:
                    rows[-1].append(key)
                octave = None
            else:
                octave = None
        frames = np.zeros((len(rows), 88), dtype=np.uint8)
        for t, keys in enumerate(rows):
            frames[t, keys] = 1
        return frames

    def extra_frame_nll(self, frames: np.ndarray) -> np.ndarray:
        """Zeros: the frame serialisation is an exact bijection, every frame is spelled by its tokens."""
        return np.zeros(len(self._check_frames(frames)), dtype=np.float64)

    def frames_to_song(self, frames: np.ndarray, *, title: str = "") -> Song:
        """A one-track song (quarter-note frames, 100 bpm, 4/4); a pitch held over consecutive frames
        becomes one note (the frames cannot tell held from repeated)."""
        from . import pianoroll

        name, program, drum = self.layout[0] if self.layout else ("Chorale", 52, False)
        roll = pianoroll.Roll(
            active=np.asarray(frames, dtype=bool)[None],
            onsets=None,
            velocities=None,
            steps_per_beat=1,
            lowest_pitch=JSB_LOWEST_PITCH,
            tracks=[Track(name, program, drum)],
            tempos=[Tempo(0, self.bpm)],
            time_signatures=[TimeSignature(0, 4, 4)],
        )
        return pianoroll.decode(roll, resolution=RESOLUTION, title=title)

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict:
        return {
            "codec": self.name,
            "vocab_size": self.vocab_size,
            "pitch": self.pitch,
            "chords": self.chords,
            "drums": self.drums,
            "velocity": self.velocity,
            "quantize": self.quantize,
            "frames_mode": self.frames_mode,
            "bpm": float(self.bpm),
            "layout": [[name, int(program), bool(drum)] for name, program, drum in self.layout],
            "time_signature": [int(x) for x in self.time_signature],
        }

    @classmethod
    def from_dict(cls, data: dict) -> EventCodec:
        try:
            if int(data["vocab_size"]) != len(VOCAB):
                raise CodecError(
                    f"event codec description has {data['vocab_size']} tokens; this version has {len(VOCAB)}"
                )
            codec = cls(
                str(data["pitch"]),
                chords=bool(data["chords"]),
                drums=bool(data["drums"]),
                velocity=bool(data["velocity"]),
                quantize=bool(data["quantize"]),
            )
            codec.frames_mode = bool(data["frames_mode"])
            codec.bpm = float(data["bpm"])
            codec.layout = [(str(n), int(p), bool(d)) for n, p, d in data["layout"]]
            codec.time_signature = tuple(int(x) for x in data.get("time_signature", (4, 4)))
        except (KeyError, TypeError, ValueError) as exc:
            raise CodecError(f"not an event codec description ({exc!r})") from None
        return codec


def _first_eos(tokens: list[int]) -> int:
    return tokens.index(EOS) if EOS in tokens else len(tokens)


def song_frames(song: Song) -> np.ndarray:
    """The (T, 88) binary quarter-note frames of a song (pitched tracks merged, notes rounded to the
    beat, pitches outside A0..C8 dropped): how a song enters the JSB serialisation."""
    from . import pianoroll

    pitched = song.copy(tracks=[t for t in song.tracks if not t.is_drum])
    if pitched.num_notes == 0:
        return np.zeros((0, 88), dtype=np.uint8)
    roll = pianoroll.encode(pitched, 1, JSB_LOWEST_PITCH, 88, quantize=True)
    return roll.active.any(axis=0).astype(np.uint8)


def roundtrip_report(song: Song, codec: EventCodec | None = None) -> dict:
    """How exactly ``song`` survives ``decode(encode(song))``: counts of notes, notes kept exactly
    (same track, start, pitch, duration; velocity too when the codec writes it), chord labels kept,
    and whether tracks and time signatures match. ``exact`` is True when everything does."""
    codec = codec or EventCodec(quantize=False)
    back = codec.decode(codec.encode(song), resolution=song.resolution)
    tracks = codec._kept_tracks(song)

    def key(n: Note) -> tuple:
        return (n.start, n.pitch, n.duration, n.velocity // (128 // VELOCITY_LEVELS) if codec.velocity else 0)

    kept = 0
    for a, b in zip(tracks, back.tracks):
        ca, cb = Counter(key(n) for n in a.notes if n.duration > 0), Counter(key(n) for n in b.notes)
        kept += sum((ca & cb).values())
    notes = sum(1 for t in tracks for n in t.notes if n.duration > 0)
    same_tracks = [(t.program, t.is_drum) for t in tracks] == [(t.program, t.is_drum) for t in back.tracks]
    sig = [(ts.tick, ts.numerator, ts.denominator) for ts in song.time_signatures]
    sig_back = [(ts.tick, ts.numerator, ts.denominator) for ts in back.time_signatures]
    chords_in = [(c.tick, c.duration, c.root, c.quality) for c in song.chords] if song.chords else None
    chords_out = [(c.tick, c.duration, c.root, c.quality) for c in back.chords]
    chords_ok = chords_in is None or not codec.chords or chords_in == chords_out
    return {
        "notes": notes,
        "notes_exact": kept,
        "tracks_match": same_tracks,
        "time_signatures_match": sig == sig_back,
        "chords_match": chords_ok,
        "exact": kept == notes and same_tracks and sig == sig_back and chords_ok,
    }
