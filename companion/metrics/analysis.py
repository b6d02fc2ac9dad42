"""The analysis under every metric: a song encoded once on MuseGAN's grid, with its per-part arrays.

:class:`_Analysis` encodes a :class:`~companion.song.Song` with the piano-roll codec at
``STEPS_PER_BEAT`` (12 steps per beat, 128 pitches) and keeps what every metric of
:mod:`companion.metrics` counts: per part (tracks of one name pooled) the binary roll, the notes on
the grid, the chroma and the tonal centroids (Harte et al. 2006), and the recognised chord template
per beat. Each count is a (numerator, denominator) pair, so songs pool before dividing.

Used by notebooks 01_representing_music, 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens,
06_diminishing_returns and definitions (through :mod:`companion.metrics` and :mod:`companion.yardstick`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..codecs import pianoroll
from ..harmony import TEMPLATE_MASKS, best_templates, chord_mask
from ..song import ChordLabel, Song
from ..theory import STEPS_PER_BEAT  # the grid, MuseGAN's 12 steps per beat

DRUM_GRID_STEPS = STEPS_PER_BEAT // 4
"""The 16th-note grid (which contains the 8th-note grid) in steps: every 3rd step."""

TONAL_RADII = (1.0, 1.0, 0.5)
"""Radii r1 (fifths), r2 (minor thirds), r3 (major thirds) of Harte et al.'s tonal centroid."""


def _tonal_matrix(radii: Sequence[float] = TONAL_RADII) -> np.ndarray:
    """Harte et al. 2006, eq. 3: the (6, 12) map from a normalised chroma to the tonal centroid."""
    r1, r2, r3 = radii
    pc = np.arange(12)
    return np.stack(
        [
            r1 * np.sin(pc * 7 * np.pi / 6),
            r1 * np.cos(pc * 7 * np.pi / 6),
            r2 * np.sin(pc * 3 * np.pi / 2),
            r2 * np.cos(pc * 3 * np.pi / 2),
            r3 * np.sin(pc * 2 * np.pi / 3),
            r3 * np.cos(pc * 2 * np.pi / 3),
        ]
    )


_TONAL_MATRIX = _tonal_matrix()


@dataclass
class _Part:
    """Tracks of one name pooled: its roll, its notes on the grid, whether it is drums."""

    name: str
    is_drum: bool
    active: np.ndarray  # bool (steps, 128)
    starts: np.ndarray  # note starts, in steps (rounded as the codec rounds)
    lengths: np.ndarray  # note lengths, in steps (at least 1)
    pitches: np.ndarray


def _grid(song: Song, num_bars: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The song's binary roll at :data:`STEPS_PER_BEAT` (tracks, steps, 128), padded to whole bars
    and whole beats, and the bar boundaries in steps (``num_bars + 1`` of them)."""
    roll = pianoroll.encode(song, STEPS_PER_BEAT, quantize=True)
    step = song.resolution / STEPS_PER_BEAT
    bars = song.num_bars if num_bars is None else int(num_bars)
    bounds = np.rint(np.arange(bars + 1) * song.ticks_per_bar / step).astype(np.int64)
    length = max(int(bounds[-1]), roll.num_steps)
    length = -(-length // STEPS_PER_BEAT) * STEPS_PER_BEAT
    active = roll.active
    if active.shape[1] < length:
        active = np.pad(active, ((0, 0), (0, length - active.shape[1]), (0, 0)))
    return active, bounds


class _Analysis:
    """A song encoded once at :data:`STEPS_PER_BEAT`, with the per-part arrays every metric needs."""

    def __init__(self, song: Song, num_bars: int | None = None):
        self.song = song
        self.active, self.bar_bounds = _grid(song, num_bars)
        self.num_bars = len(self.bar_bounds) - 1
        self.num_steps = self.active.shape[1]
        self.num_beats = self.num_steps // STEPS_PER_BEAT
        step = song.resolution / STEPS_PER_BEAT
        count = song.num_notes
        table = np.fromiter(
            (
                v
                for i, t in enumerate(song.tracks)
                for n in t.notes
                for v in (n.start, n.start + n.duration, n.pitch, i)
            ),
            dtype=np.int64,
            count=4 * count,
        ).reshape(count, 4)
        s = np.rint(table[:, 0] / step).astype(np.int64)
        e = np.maximum(np.rint(table[:, 1] / step).astype(np.int64), s + 1)
        by_name: dict[str, list[int]] = {}
        for index, track in enumerate(song.tracks):
            by_name.setdefault(track.name, []).append(index)
        part_of_track = np.zeros(len(song.tracks), dtype=np.int64)
        for k, indices in enumerate(by_name.values()):
            part_of_track[indices] = k
        part_of_note = part_of_track[table[:, 3]]
        self.parts: list[_Part] = []
        for k, (name, indices) in enumerate(by_name.items()):
            active = self.active[indices[0]] if len(indices) == 1 else self.active[indices].any(0)
            mine = part_of_note == k
            is_drum = all(song.tracks[i].is_drum for i in indices)
            self.parts.append(_Part(name, is_drum, active, s[mine], (e - s)[mine], table[mine, 2]))
        self._chroma: dict[str, np.ndarray] = {}
        self._centroids: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._best: np.ndarray | None = None

    @property
    def pitched(self) -> list[_Part]:
        return [p for p in self.parts if not p.is_drum]

    @property
    def drums(self) -> list[_Part]:
        return [p for p in self.parts if p.is_drum]

    def chroma(self, part: _Part) -> np.ndarray:
        """(steps, 12) int: how many pitches of each pitch class sound at each step."""
        if part.name not in self._chroma:
            a = part.active
            pcs = a[:, :120].reshape(len(a), 10, 12).sum(1, dtype=np.int32)
            pcs[:, :8] += a[:, 120:]
            self._chroma[part.name] = pcs
        return self._chroma[part.name]

    def beat_chroma(self, part: _Part) -> np.ndarray:
        """(beats, 12) int: active steps of each pitch class per beat (duration-weighted chroma)."""
        return self.chroma(part).reshape(self.num_beats, STEPS_PER_BEAT, 12).sum(1)

    def bar_any(self, x: np.ndarray) -> np.ndarray:
        """Logical OR of ``x`` (steps, ...) within each bar: (bars, ...)."""
        if self.num_bars == 0:
            return np.zeros((0,) + x.shape[1:], dtype=bool)
        return np.logical_or.reduceat(x[: self.bar_bounds[-1]], self.bar_bounds[:-1], axis=0)

    # ------------------------------------------------------------- counts (numerator, denominator)
    def empty_bars(self) -> dict[str, tuple[int, int]]:
        return {p.name: (int((~self.bar_any(p.active.any(1))).sum()), self.num_bars) for p in self.parts}

    def pitch_classes(self) -> dict[str, tuple[int, int]]:
        out = {}
        for p in self.pitched:
            per_bar = self.bar_any(self.chroma(p) > 0).sum(1)
            out[p.name] = (int(per_bar.sum()), int((per_bar > 0).sum()))
        return out

    def qualified(self, min_steps: int) -> dict[str, tuple[int, int]]:
        return {p.name: (int((p.lengths >= min_steps).sum()), len(p.lengths)) for p in self.pitched}

    def drum_pattern(self, tolerance: float) -> tuple[float, int] | None:
        if not self.drums:
            return None
        starts = np.concatenate([p.starts for p in self.drums])
        weights = np.where(starts % DRUM_GRID_STEPS == 0, 1.0, tolerance)
        return float(weights.sum()), len(starts)

    def centroids(self, part: _Part) -> tuple[np.ndarray, np.ndarray]:
        """Per beat: whether the part sounds, and its tonal centroid (beats, 6) (0 where silent)."""
        if part.name not in self._centroids:
            chroma = self.beat_chroma(part).astype(float)
            total = chroma.sum(1)
            sounding = total > 0
            self._centroids[part.name] = (sounding, (chroma / np.maximum(total, 1)[:, None]) @ _TONAL_MATRIX.T)
        return self._centroids[part.name]

    def tonal(self, a: _Part, b: _Part) -> tuple[float, int]:
        sa, xa = self.centroids(a)
        sb, xb = self.centroids(b)
        both = sa & sb
        return float(np.linalg.norm(xa[both] - xb[both], axis=1).sum()), int(both.sum())

    def tonal_pairs(self) -> dict[str, tuple[float, int]]:
        pitched = self.pitched
        return {f"{a.name}/{b.name}": self.tonal(a, b) for i, a in enumerate(pitched) for b in pitched[i + 1 :]}

    def pitched_chroma(self, tracks: Iterable[str] | None = None) -> np.ndarray:
        """(steps, 12): the chroma of the pitched tracks (only those named in ``tracks``) summed."""
        out = np.zeros((self.num_steps, 12), dtype=np.int64)
        for p in self.pitched:
            if tracks is None or p.name in tracks:
                out += self.chroma(p)
        return out

    def best_templates(self) -> np.ndarray:
        """Per beat: the index into :data:`companion.harmony.TEMPLATE_LABELS` of the recognised template
        (-1 for a silent beat), from this roll's chroma by :func:`companion.harmony.best_templates`."""
        if self._best is None:
            beat = self.pitched_chroma().reshape(self.num_beats, STEPS_PER_BEAT, 12).sum(1)
            # Lowest sounding pitch class per beat (the bass), for the tie-break.
            sounding = np.zeros((self.num_beats, 128), dtype=bool)
            for p in self.pitched:
                sounding |= p.active.reshape(self.num_beats, STEPS_PER_BEAT, 128).any(1)
            self._best = best_templates(beat, np.argmax(sounding, axis=1) % 12)
        return self._best

    def chord_tones(self, chords: list[ChordLabel] | None, tracks: Sequence[str] | None = None) -> tuple[int, int]:
        if tracks is not None:
            unknown = set(tracks) - {p.name for p in self.parts}
            if unknown:
                raise KeyError(f"no track named {sorted(unknown)[0]!r}")
        chroma = self.pitched_chroma(tracks)
        if chords is None:
            best = self.best_templates()
            beat = chroma.reshape(self.num_beats, STEPS_PER_BEAT, 12).sum(1)
            sounding = best >= 0
            tones = (beat[sounding] * TEMPLATE_MASKS[best[sounding]]).sum()
            return int(tones), int(beat[sounding].sum())
        step = self.song.resolution / STEPS_PER_BEAT
        index = np.full(self.num_steps, -1, dtype=np.int64)
        masks = np.zeros((len(chords), 12), dtype=bool)
        for i, chord in enumerate(chords):
            masks[i] = chord_mask(chord.root, chord.quality)
            start = int(round(chord.tick / step))
            index[start : int(round((chord.tick + chord.duration) / step))] = i
        labelled = index >= 0
        tones = (chroma[labelled] * masks[index[labelled]]).sum()
        return int(tones), int(chroma[labelled].sum())

    def registers(self, registers: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        out = {}
        for p in self.parts:
            if p.name in registers and len(p.pitches):
                low, high = registers[p.name]
                out[p.name] = (int(((p.pitches >= low) & (p.pitches <= high)).sum()), len(p.pitches))
        return out


def _ratio(num: float, den: float, scale: float = 1.0) -> float:
    return scale * num / den if den else math.nan


def _ratios(counts: dict[str, tuple[float, int]], scale: float = 1.0) -> dict[str, float]:
    return {k: _ratio(n, d, scale) for k, (n, d) in counts.items()}
