"""The event codec: :class:`EventCodec` writes a song as event tokens and reads them back.

The grammar (see :mod:`companion.codecs.events`): ``BOS header (Bar (Position [Nudge] [Chord] (Track
(Octave Pitch Duration+ [DurNudge] [Velocity])*)*)*)* EOS``. The vocabulary is in :mod:`.vocab`, the song
on the fine grid in :mod:`.grid`, the tolerant reader in :mod:`.reading` and the JSB frame
serialisation in :mod:`.frames`; this module fits, encodes, decodes and persists.

Used by notebooks 05_event_tokens and 06_diminishing_returns (through :mod:`companion.zoo`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from ...errors import CodecError
from ...song import PITCH_CLASS_NAMES, ChordLabel, Note, Song, Track
from ...theory import RESOLUTION
from ..base import Codec
from .frames import check_frames, decode_frames, encode_frames, frames_to_song, song_frames
from .grid import _Event, bar_grid, chord_changes, chord_labels, fine_events
from .reading import RunningLength, _Reader
from .vocab import (
    BAR,
    BOS,
    CHORD0,
    CHORD_N,
    DRUMS,
    DUR_NUDGE,
    DURATION0,
    DURATIONS,
    EOS,
    FAMILY0,
    FINE_STEPS_PER_BEAT,
    FRAME,
    MEMBER0,
    NUDGE,
    OCTAVE0,
    PAD,
    PITCH0,
    POSITION0,
    TIME_SIGNATURES,
    TIMESIG0,
    TRACK0,
    VELOCITY0,
    VELOCITY_LEVELS,
    VOCAB,
    _split_duration,
)


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
        """Notes of the kept tracks on the 1/24-beat grid (:func:`companion.codecs.events.grid.fine_events`)."""
        return fine_events(song, self._kept_tracks(song), self.quantize)

    def _chord_labels(self, song: Song) -> list[ChordLabel]:
        """The song's chord labels (ground truth), else the recognised ones; none without ``chords``."""
        return chord_labels(song, self.chords)

    _chord_changes = staticmethod(chord_changes)
    _bars = staticmethod(bar_grid)

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
        reader = _Reader(self.layout, self.pitch == "degree", fine)
        for token in tokens:
            if token == EOS:
                break
            reader.read(token)
        reader.flush()
        return reader.song(self._track_name, resolution=resolution, bpm=self.bpm, title=title)

    def running_length(self, *, resolution: int = RESOLUTION) -> RunningLength | None:
        """A :class:`~companion.codecs.events.reading.RunningLength`: the ``end_tick`` and
        ``ticks_per_bar`` of :meth:`decode` of a growing token sequence, read one token at a time
        (GPT sampling's stopping check); None in frame mode (``decode`` may then read frames)."""
        if self.frames_mode:
            return None
        return RunningLength(self.layout, self.pitch == "degree", resolution)

    def _track_name(self, index: int, program: int, drum: bool) -> str:
        if index < len(self.layout) and (self.layout[index][1], self.layout[index][2]) == (program, drum):
            return self.layout[index][0]
        return "drums" if drum else f"track {index}"

    # ------------------------------------------------------------------ JSB frames
    _check_frames = staticmethod(check_frames)

    def encode_frames(self, frames: np.ndarray) -> tuple[list[int], list[int]]:
        """The JSB serialisation ``BOS (Frame (Octave Pitch)*)* EOS`` of ``frames`` and the frame of every
        token after BOS (:func:`companion.codecs.events.frames.encode_frames`)."""
        return encode_frames(frames)

    def decode_frames(self, tokens: Sequence[int]) -> np.ndarray:
        """(T, 88) uint8 frames of the JSB serialisation (:func:`companion.codecs.events.frames.decode_frames`:
        tolerant of model output)."""
        return decode_frames(tokens)

    def extra_frame_nll(self, frames: np.ndarray) -> np.ndarray:
        """Zeros: the frame serialisation is an exact bijection, every frame is spelled by its tokens."""
        return np.zeros(len(check_frames(frames)), dtype=np.float64)

    def frames_to_song(self, frames: np.ndarray, *, title: str = "") -> Song:
        """A one-track song (quarter-note frames, the fitted tempo, 4/4) in the fitted layout's first
        track; a pitch held over consecutive frames becomes one note."""
        return frames_to_song(frames, self.layout, self.bpm, title=title)

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
