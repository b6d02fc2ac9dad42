"""Pitch-set ("chord") tokens: the seed's GPT3-music representation, one token per grid frame.

A song is sampled on a grid (the seed's 16th notes: ``steps_per_beat=4``; the JSB benchmark's
quarter-note frames: 1), and the *set* of pitches sounding in each frame becomes one token, looked up
in a vocabulary built from the training split only -- the same idea as the seed's scikit-learn
``MultiLabelBinarizer`` over pitch combinations. Token ids::

    0 PAD   1 BOS   2 EOS   3 UNK   4.. one per pitch set seen in training (most frequent first)

What the representation keeps and loses, stated once:

* **Tracks are merged.** All pitched tracks of a multi-track song become one pitch-set stream per
  frame (who plays which note is lost); drum tracks are left out, since a drum "pitch" is an
  instrument, not a pitch. Decoding gives a one-track :class:`~companion.song.Song`.
* **Velocity is dropped**, as the seed did ("this will cause our pitch combination vocabulary to
  explode"); :func:`vocabulary_growth` with ``velocity=True`` measures by how much.
* **Held and repeated notes look alike.** A frame says which pitches *sound*, not which start, so a
  pitch repeated in consecutive frames decodes as one long note.
* **Off-grid timing is rounded** to the grid (swing triplets on a 16th grid move).
* **Unseen sets become UNK.** A frame whose set never occurred in training cannot be named; for the
  likelihood it costs ``-log p(UNK)`` plus the NLL of the exact set under a per-key Bernoulli fall-back
  fitted on the training frames and renormalised over the sets outside the vocabulary
  (:meth:`ChordCodec.extra_frame_nll`), so the NLL stays that of a proper distribution over all
  frames. Decoded, UNK is a rest.

The vocabulary explosion itself is measured in :mod:`companion.codecs.chord_vocab` (:func:`frame_sets`,
:func:`vocabulary_growth`, re-exported here).

Used by notebooks 04_gpt_chords, 05_event_tokens (the comparison) and 06_diminishing_returns.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..errors import CodecError
from ..song import Song, Tempo, TimeSignature, Track
from ..theory import RESOLUTION
from . import pianoroll
from .base import Codec
from .chord_vocab import frame_sets, vocabulary_growth  # noqa: F401  (re-exported)

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")
NUM_SPECIALS = len(SPECIALS)

PitchSet = tuple[int, ...]


class ChordCodec(Codec):
    """Pitch-set tokens at a grid; implements :class:`companion.codecs.tokens.TokenCodec`.

    Args:
        steps_per_beat: frames per beat for songs (4 = 16th notes, the seed's grid). Frames given to
            :meth:`fit_frames` are taken as they are (JSB: one per quarter note) and set it to 1.
        lowest_pitch, num_pitches: the pitch window of a frame (songs: all 128 MIDI pitches; JSB
            frames: 88 keys from A0 = 21, set by :meth:`fit_frames`).
        min_count: a pitch set must occur this often in training to get its own token.
        max_sets: keep at most this many pitch sets (the most frequent; None: all that pass
            ``min_count``), so a vocabulary can be sized to a parameter budget: the rest become UNK and
            pay the fall-back's cost, counted in the NLL.
        alpha: additive smoothing of the per-key Bernoulli fall-back (``(count + alpha) / (n + 2 alpha)``).

    Example:
        >>> codec = ChordCodec()
        >>> codec.fit_frames([np.eye(88, dtype=np.uint8)[[40, 40, 44]]])
        >>> codec.encode_frames(np.eye(88, dtype=np.uint8)[[40, 44, 47]])
        ([1, 4, 5, 3, 2], [0, 1, 2, 2])
    """

    name = "chords"
    pad_id, bos_id, eos_id, unk_id = PAD, BOS, EOS, UNK

    def __init__(
        self,
        steps_per_beat: int = 4,
        lowest_pitch: int = 0,
        num_pitches: int = 128,
        *,
        min_count: int = 1,
        max_sets: int | None = None,
        alpha: float = 1.0,
    ) -> None:
        if steps_per_beat < 1:
            raise CodecError(f"steps_per_beat must be >= 1, not {steps_per_beat}")
        if not (0 <= lowest_pitch and num_pitches >= 1 and lowest_pitch + num_pitches <= 128):
            raise CodecError(f"pitch window {lowest_pitch}..{lowest_pitch + num_pitches - 1} is not inside 0..127")
        self.steps_per_beat = steps_per_beat
        self.lowest_pitch = lowest_pitch
        self.num_pitches = num_pitches
        self.min_count = max(1, int(min_count))
        if max_sets is not None and int(max_sets) < 1:
            raise CodecError(f"max_sets must be >= 1 or None, not {max_sets}")
        self.max_sets = None if max_sets is None else int(max_sets)
        self.alpha = float(alpha)
        self.vocab: list[PitchSet] = []
        self.index: dict[PitchSet, int] = {}
        self.key_counts = np.zeros(num_pitches, dtype=np.int64)
        self.vocab_counts: list[int] = []
        self.num_fit_frames = 0
        self.bpm = 100.0
        self.program = 0
        self.time_signature = (4, 4)
        self._fallback_log_norm = 0.0

    # ------------------------------------------------------------------ vocabulary
    @property
    def vocab_size(self) -> int:
        return NUM_SPECIALS + len(self.vocab)

    @property
    def fitted(self) -> bool:
        return bool(self.vocab)

    @property
    def frames_per_bar(self) -> int:
        """Frames in one bar of the fitted time signature."""
        numerator, denominator = self.time_signature
        return max(1, self.steps_per_beat * 4 * numerator // denominator)

    def token_name(self, token: int) -> str:
        """A readable name: ``<bos>``, ``<unk>`` or the pitch names of the set (``C4.E4.G4``; ``rest``)."""
        from ..song import pitch_name

        if 0 <= token < NUM_SPECIALS:
            return SPECIALS[token]
        pitches = self.vocab[token - NUM_SPECIALS]
        return ".".join(pitch_name(p) for p in pitches) or "rest"

    def rare_ids(self, max_count: int = 1) -> list[int]:
        """Tokens of pitch sets seen at most ``max_count`` times in training (hapaxes by default).

        The LM trainer can replace them by UNK now and then (``LMConfig.rare_to_unk``): UNK never
        occurs in the training split otherwise (the vocabulary holds every training set), so the model
        would learn ``p(UNK) ~ 0`` and pay dearly for each unseen frame of the test split. Hapaxes are
        the Good--Turing estimate of "a set not seen before".
        """
        return [NUM_SPECIALS + i for i, n in enumerate(self.vocab_counts) if n <= max_count]

    def pitch_set(self, token: int) -> PitchSet | None:
        """The MIDI pitches of a token (None for PAD/BOS/EOS/UNK)."""
        return self.vocab[token - NUM_SPECIALS] if NUM_SPECIALS <= token < self.vocab_size else None

    def fit(self, songs: list[Song]) -> None:
        """Vocabulary and fall-back from the TRAIN songs (frames at ``steps_per_beat``, all 128 pitches);
        also the tempo, program and time signature used when decoding."""
        if not songs:
            raise CodecError("cannot fit a chord vocabulary on no songs")
        self.lowest_pitch, self.num_pitches = 0, 128
        self.fit_frames([self.song_frames(s) for s in songs], _keep_grid=True)
        tempos = sorted(s.tempos[0].bpm for s in songs if s.tempos)
        self.bpm = float(tempos[len(tempos) // 2]) if tempos else 100.0
        programs = Counter(t.program for s in songs for t in s.tracks if not t.is_drum for _ in t.notes)
        self.program = int(programs.most_common(1)[0][0]) if programs else 0
        signatures = Counter((s.time_signatures[0].numerator, s.time_signatures[0].denominator) for s in songs)
        self.time_signature = signatures.most_common(1)[0][0] if signatures else (4, 4)

    def fit_frames(self, frames: list[np.ndarray], *, _keep_grid: bool = False) -> None:
        """Vocabulary and fall-back from the train split of a frame corpus (JSB: (T, 88) binary arrays,
        one frame per quarter note, column 0 = MIDI 21)."""
        if not frames:
            raise CodecError("cannot fit a chord vocabulary on no frames")
        width = frames[0].shape[1] if frames[0].ndim == 2 else -1
        if not _keep_grid:
            if width != 88:
                raise CodecError(f"frames must be (T, 88) binary arrays (JSB keys from MIDI 21), got width {width}")
            self.steps_per_beat, self.lowest_pitch, self.num_pitches = 1, 21, 88
            self.bpm, self.program, self.time_signature = 100.0, 52, (4, 4)
        counts: Counter[PitchSet] = Counter()
        key_counts = np.zeros(self.num_pitches, dtype=np.int64)
        total = 0
        for piece in frames:
            piece = self._check_frames(piece)
            counts.update(self._frame_keys(piece))
            key_counts += piece.sum(axis=0, dtype=np.int64)
            total += len(piece)
        kept = [(key, n) for key, n in counts.items() if n >= self.min_count]
        kept.sort(key=lambda kn: (-kn[1], len(kn[0]), kn[0]))
        kept = kept[: self.max_sets] if self.max_sets is not None else kept
        self.vocab = [key for key, _ in kept]
        self.vocab_counts = [int(n) for _, n in kept]
        self.index = {key: NUM_SPECIALS + i for i, key in enumerate(self.vocab)}
        self.key_counts = key_counts
        self.num_fit_frames = total
        self._fallback_log_norm = self._log_outside_mass()

    def name_frame_track(self, name: str, program: int) -> None:
        """Give decoded frames a benchmark's instrument (the track keeps the codec's name, ``Chords``)."""
        self.program = int(program)

    # ------------------------------------------------------------------ frames
    def song_frames(self, song: Song) -> np.ndarray:
        """The (T, num_pitches) binary frames of a song at this codec's grid: all pitched tracks merged,
        drums left out, notes rounded to the grid."""
        pitched = song.copy(tracks=[t for t in song.tracks if not t.is_drum])
        if not pitched.tracks or pitched.num_notes == 0:
            return np.zeros((0, self.num_pitches), dtype=np.uint8)
        outside = [n.pitch for t in pitched.tracks for n in t.notes if not self._in_window(n.pitch)]
        if outside:
            raise CodecError(
                f"{song.title or 'song'}: pitch {outside[0]} is outside the codec's window "
                f"{self.lowest_pitch}..{self.lowest_pitch + self.num_pitches - 1}"
            )
        roll = pianoroll.encode(pitched, self.steps_per_beat, self.lowest_pitch, self.num_pitches, quantize=True)
        return roll.active.any(axis=0).astype(np.uint8)

    def _in_window(self, pitch: int) -> bool:
        return self.lowest_pitch <= pitch < self.lowest_pitch + self.num_pitches

    def _check_frames(self, frames: np.ndarray) -> np.ndarray:
        frames = np.asarray(frames)
        if frames.ndim != 2 or frames.shape[1] != self.num_pitches:
            raise CodecError(f"frames must be (T, {self.num_pitches}) binary arrays, got shape {frames.shape}")
        if frames.size and (frames.min() < 0 or frames.max() > 1):
            raise CodecError("frames must be binary (0/1)")
        return frames.astype(bool)

    def _frame_keys(self, frames: np.ndarray) -> list[PitchSet]:
        rows, cols = np.nonzero(frames)
        pitches = (cols + self.lowest_pitch).tolist()
        bounds = np.searchsorted(rows, np.arange(len(frames) + 1)).tolist()
        return [tuple(pitches[bounds[t] : bounds[t + 1]]) for t in range(len(frames))]

    def _require_fitted(self) -> None:
        if not self.fitted:
            raise CodecError("the chord codec has no vocabulary yet: call fit(train songs) or fit_frames(train frames)")

    # ------------------------------------------------------------------ encode / decode
    def encode(self, song: Song) -> list[int]:
        """``BOS``, one token per frame of the song (16ths by default), ``EOS``."""
        self._require_fitted()
        return self.encode_frames(self.song_frames(song))[0]

    def encode_frames(self, frames: np.ndarray) -> tuple[list[int], list[int]]:
        """Tokens ``BOS f_0 ... f_{T-1} EOS`` and the frame of each token after BOS (``EOS`` belongs to
        the last frame, so the per-frame NLLs sum to ``-log p(frames, end)``)."""
        self._require_fitted()
        frames = self._check_frames(frames)
        body = [self.index.get(key, UNK) for key in self._frame_keys(frames)]
        tokens = [BOS, *body, EOS]
        frame_of = list(range(len(body))) + [max(len(body) - 1, 0)]
        return tokens, frame_of

    def decode_frames(self, tokens: Sequence[int]) -> np.ndarray:
        """(T, num_pitches) binary frames of tokens; stops at the first EOS, skips PAD/BOS, UNK is a rest."""
        self._require_fitted()
        rows: list[PitchSet] = []
        for token in (int(t) for t in tokens):
            if token == EOS:
                break
            if token in (PAD, BOS):
                continue
            if not 0 <= token < self.vocab_size:
                raise CodecError(f"token {token} is outside the vocabulary (0..{self.vocab_size - 1})")
            rows.append(() if token == UNK else self.vocab[token - NUM_SPECIALS])
        frames = np.zeros((len(rows), self.num_pitches), dtype=np.uint8)
        for t, key in enumerate(rows):
            frames[t, [p - self.lowest_pitch for p in key]] = 1
        return frames

    def decode(self, tokens: Sequence[int], *, title: str = "") -> Song:
        """A one-track song from tokens (see :meth:`decode_frames`); a pitch sounding in consecutive
        frames becomes one note, at the fitted tempo, program and time signature."""
        return self.frames_to_song(self.decode_frames(tokens), title=title)

    def frames_to_song(self, frames: np.ndarray, *, title: str = "") -> Song:
        """A one-track song from binary frames at this codec's grid."""
        numerator, denominator = self.time_signature
        roll = pianoroll.Roll(
            active=np.asarray(frames, dtype=bool)[None],
            onsets=None,
            velocities=None,
            steps_per_beat=self.steps_per_beat,
            lowest_pitch=self.lowest_pitch,
            tracks=[Track("Chords", self.program, False)],
            tempos=[Tempo(0, self.bpm)],
            time_signatures=[TimeSignature(0, numerator, denominator)],
        )
        return pianoroll.decode(roll, resolution=RESOLUTION, title=title)

    # ------------------------------------------------------------------ likelihood
    def fallback_probabilities(self) -> np.ndarray:
        """Per-key probability that the key sounds in a frame, smoothed: ``(count + alpha) / (n + 2 alpha)``."""
        return (self.key_counts + self.alpha) / (self.num_fit_frames + 2 * self.alpha)

    def _bernoulli_nll(self, frames: np.ndarray) -> np.ndarray:
        p = self.fallback_probabilities()
        on, off = -np.log(p), -np.log1p(-p)
        return frames.astype(np.float64) @ (on - off) + off.sum()

    def _log_outside_mass(self) -> float:
        """log of the fall-back's mass on sets OUTSIDE the vocabulary (so the fall-back renormalised to
        those sets is a proper distribution; UNK never stands for a set the vocabulary names)."""
        if not self.vocab:
            return 0.0
        frames = np.zeros((len(self.vocab), self.num_pitches), dtype=bool)
        for i, key in enumerate(self.vocab):
            frames[i, [p - self.lowest_pitch for p in key]] = True
        inside = np.exp(-self._bernoulli_nll(frames)).sum()
        return float(math.log1p(-min(inside, 1 - 1e-15)))

    def fallback_nll(self, frames: np.ndarray) -> np.ndarray:
        """NLL in nats of each frame's exact set under the fall-back renormalised to unseen sets."""
        self._require_fitted()
        return self._bernoulli_nll(self._check_frames(frames)) + self._fallback_log_norm

    def unseen_mask(self, frames: np.ndarray) -> np.ndarray:
        """True for each frame whose pitch set has no token (it encodes to UNK)."""
        self._require_fitted()
        return np.array([key not in self.index for key in self._frame_keys(self._check_frames(frames))], dtype=bool)

    def extra_frame_nll(self, frames: np.ndarray) -> np.ndarray:
        """Per frame: 0 where the set has a token; the fall-back NLL of the exact set where it is UNK."""
        frames = self._check_frames(frames)
        mask = self.unseen_mask(frames)
        extra = np.zeros(len(frames), dtype=np.float64)
        if mask.any():
            extra[mask] = self.fallback_nll(frames[mask])
        return extra

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict:
        return {
            "codec": self.name,
            "steps_per_beat": self.steps_per_beat,
            "lowest_pitch": self.lowest_pitch,
            "num_pitches": self.num_pitches,
            "min_count": self.min_count,
            "max_sets": self.max_sets,
            "alpha": self.alpha,
            "vocab": [list(key) for key in self.vocab],
            "vocab_counts": list(self.vocab_counts),
            "key_counts": [int(c) for c in self.key_counts],
            "num_fit_frames": int(self.num_fit_frames),
            "bpm": float(self.bpm),
            "program": int(self.program),
            "time_signature": [int(x) for x in self.time_signature],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ChordCodec:
        try:
            codec = cls(
                int(data["steps_per_beat"]),
                int(data["lowest_pitch"]),
                int(data["num_pitches"]),
                min_count=int(data["min_count"]),
                max_sets=None if data.get("max_sets") is None else int(data["max_sets"]),
                alpha=float(data["alpha"]),
            )
            codec.vocab = [tuple(int(p) for p in key) for key in data["vocab"]]
            codec.vocab_counts = [int(n) for n in data["vocab_counts"]]
            codec.key_counts = np.asarray(data["key_counts"], dtype=np.int64)
            codec.num_fit_frames = int(data["num_fit_frames"])
            codec.bpm = float(data["bpm"])
            codec.program = int(data["program"])
            codec.time_signature = tuple(int(x) for x in data["time_signature"])
        except (KeyError, TypeError, ValueError) as exc:
            raise CodecError(f"not a chord codec description ({exc!r})") from None
        if len(codec.key_counts) != codec.num_pitches:
            raise CodecError("chord codec description: key_counts does not match num_pitches")
        codec.index = {key: NUM_SPECIALS + i for i, key in enumerate(codec.vocab)}
        codec._fallback_log_norm = codec._log_outside_mass()
        return codec
