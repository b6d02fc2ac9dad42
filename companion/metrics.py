"""One metric suite for every model of the course: measure any model's output the same way.

Every function takes :class:`~companion.song.Song` objects, the neutral type, so MuseGAN's rolls, the
image GAN's pictures and both GPTs' tokens are decoded first and then scored by the same code.
Internally a song is encoded once with the piano-roll codec at MuseGAN's grid,
``pianoroll.encode(song, STEPS_PER_BEAT, quantize=True)`` (12 steps per beat, 128 pitches), and
everything is computed with numpy on that roll: the whole Bach corpus (365 chorales) takes one to
two seconds, 2,000 generated bars about one.

The metrics (units in brackets):

* ``EB`` empty-bar rate [% of bars], per track (drums included) -- MuseGAN (Dong et al., AAAI 2018).
* ``UPC`` used pitch classes [count per non-empty bar], per pitched track -- MuseGAN.
* ``QN`` qualified-note rate [% of notes at least :data:`QN_MIN_STEPS` steps long] -- MuseGAN.
  The paper defines a qualified note as one of at least 3 time steps at 12 steps per beat (a 16th
  note); the official MuseGAN code uses a threshold of 2. **We use the paper's 3.**
* ``DP`` drum-pattern rate [% of drum onsets on the 8th/16th grid, MuseGAN's partial credit for the
  steps between] -- MuseGAN.
* ``TD`` tonal distance [Euclidean distance in Harte et al.'s 6-D tonal space, per beat, averaged]
  between two pitched tracks -- Harte, Sandler & Gasser 2006, as used by MuseGAN.
* chord-tone rate [share 0..1 of pitched note-time on a tone of the sounding chord], against
  ground-truth chords (``song.chords`` of the jazz corpus) or the template chord recogniser of
  :mod:`companion.harmony` (re-exported here as :func:`recognise_chords` and :data:`CHORD_TEMPLATES`).
* register adherence [share 0..1 of a track's notes inside its register], e.g.
  :data:`companion.theory.JAZZ_REGISTERS`.
* copy rate [share 0..1 of generated 4-bar windows found verbatim in the training songs].
* diversity [mean pairwise Jaccard distance 0..1 between the songs' first bars; 0 = all identical].
* voice-crossing rate [share 0..1 of the steps with two SATB voices sounding where a lower one is
  above a higher one] and chord-in-key rate [share 0..1 of recognised chords inside the song's
  estimated key]: the failures a listener hears, measured (lessons 02 and 05).

Every metric's equation is on the course's definitions page, ``notebooks/definitions.ipynb``.

:func:`song_metrics` and :func:`corpus_metrics` give the table row every lesson's ``evaluate``
prints; they pool counts over songs (see :func:`corpus_metrics`).

Notes on the independent implementations (``tests/test_metrics.py`` checks against both):

* pypianoroll 1.0.4's ``empty_beat_rate`` returns the rate of NON-empty beats (it counts
  ``reshaped.any(1)``), i.e. ``1 - empty rate``. Its chroma helper (used by
  ``n_pitch_classes_used``, ``tonal_distance`` and ``in_scale_rate``) folds pitches into 12 blocks of
  10 *consecutive* pitches instead of pitch classes; its ``qualified_note_rate`` pairs onsets and
  offsets in a time-major flattening (wrong as soon as two pitches overlap) and, on a boolean roll,
  finds no offsets at all (uint8 wrap-around); its ``tonal_distance`` normalises the chroma per
  time step and contracts the tonal matrix's 12 columns with the 12 *time steps* of a beat (so it
  runs only at resolution 12, and then measures something else), and sums over beats (Frobenius
  norm, NaN if a track is silent in any beat); its ``drum_in_pattern_rate`` at 12 steps per beat
  only accepts a roll of exactly one beat and weights active cells, not onsets.
* muspy 0.5 counts a note as sounding in the beat/measure of its exclusive end tick (``end // res``),
  so a note ending on a bar line also marks the next bar as non-empty.

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and
06_diminishing_returns.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .codecs import pianoroll
from .harmony import (  # the chord recogniser (re-exported)
    TEMPLATE_MASKS,
    best_templates,
    chord_mask,
    recognise_chords,
)
from .song import ChordLabel, Song
from .theory import CHORD_TEMPLATES, STEPS_PER_BEAT  # the templates and the grid, MuseGAN's 12 steps per beat

QN_MIN_STEPS = 3
"""A "qualified note" lasts at least 3 steps at 12 steps per beat (a 16th note), as the MuseGAN paper
defines it (its official code uses 2)."""

DRUM_GRID_STEPS = STEPS_PER_BEAT // 4
"""The 16th-note grid (which contains the 8th-note grid) in steps: every 3rd step."""

TONAL_RADII = (1.0, 1.0, 0.5)
"""Radii r1 (fifths), r2 (minor thirds), r3 (major thirds) of Harte et al.'s tonal centroid."""


# ===================================================================================== analysis
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


# ================================================================================ public metrics
def empty_bar_rate(song: Song, *, num_bars: int | None = None) -> dict[str, float]:
    """Empty-bar rate (EB) of each track.

    Definition: the percentage of the song's bars (``song.ticks_per_bar`` long, ``song.num_bars`` of
    them, or ``num_bars`` when given) in which the track has no sounding note on the 12-step grid.
    Drum tracks included. Tracks sharing a name are pooled.

    Args:
        song: the song.
        num_bars: the song's length in bars when it is known to be longer than its notes (a model
            asked for 4 bars whose last bar is silent in every track); default ``song.num_bars``.

    Returns:
        Track name -> EB in percent (0..100); NaN for a song of zero bars.

    Note:
        pypianoroll 1.0.4's ``empty_beat_rate`` returns the rate of NON-empty beats, i.e.
        ``1 - EB / 100`` when its "beat" is given our bar length (tested in ``tests/test_metrics.py``).
    """
    return _ratios(_Analysis(song, num_bars).empty_bars(), 100.0)


def used_pitch_classes(song: Song) -> dict[str, float]:
    """Used pitch classes (UPC) of each pitched track.

    Definition: the number of distinct pitch classes sounding in a bar, averaged over the bars in
    which the track sounds (empty bars are left out, as in MuseGAN). Drum tracks are skipped.

    Returns:
        Track name -> mean number of pitch classes per non-empty bar (0..12); NaN for a silent track.
    """
    return _ratios(_Analysis(song).pitch_classes())


def qualified_note_rate(song: Song, min_steps: int = QN_MIN_STEPS) -> dict[str, float]:
    """Qualified-note rate (QN) of each pitched track.

    Definition: the percentage of the track's notes whose duration on the 12-steps-per-beat grid
    (start and end rounded to the nearest step, at least one step) is at least ``min_steps`` steps.
    The MuseGAN paper uses 3 steps (a 16th note), :data:`QN_MIN_STEPS`; its official code uses 2.
    Notes are the song's notes: for real music the notes as written; for a model's binary roll,
    the runs of active steps its decoder made (so fragmented output scores low). Drums skipped.

    Args:
        song: the song.
        min_steps: the shortest qualified note, in steps of 1/12 beat.

    Returns:
        Track name -> QN in percent (0..100); NaN for a track without notes.
    """
    return _ratios(_Analysis(song).qualified(min_steps), 100.0)


def drum_pattern_rate(song: Song, tolerance: float = 0.1) -> float | None:
    """Drum-pattern rate (DP): how much of the drumming lies on an 8th- or 16th-note grid.

    Definition (MuseGAN's "ratio of notes in 8- or 16-beat patterns", with its drum filter): every
    drum onset, rounded to the 12-step grid, scores 1 on the 16th-note grid (every 3rd step, which
    includes the 8th-note grid) and ``tolerance`` anywhere else (at 12 steps per beat every other
    position is one step from the grid: MuseGAN's partial credit); DP is the mean score in percent.
    ``tolerance=0`` gives the strict share of on-grid onsets. Swing and triplets (step 4 or 8 of a
    beat) are off this grid: DP is a rock metric.

    Returns:
        DP in percent (0..100), or None when the song has no drum notes.
    """
    counts = _Analysis(song).drum_pattern(tolerance)
    return None if counts is None or counts[1] == 0 else _ratio(*counts, 100.0)


def tonal_distance(song: Song, track_a: str, track_b: str) -> float | None:
    """Tonal distance (TD) between two tracks (Harte, Sandler & Gasser 2006).

    Definition: per beat, each track's duration-weighted pitch-class chroma is normalised to sum 1
    and mapped to the 6-D tonal centroid (circle of fifths, minor thirds, major thirds with radii
    r1 = 1, r2 = 1, r3 = 0.5); TD is the Euclidean distance between the two centroids, averaged over
    the beats in which both tracks sound. Unitless; 0 = the same harmony, larger = weaker harmonic
    relation (at most 2 * sqrt(r1^2 + r2^2 + r3^2) = 3).

    Args:
        song: the song.
        track_a, track_b: track names.

    Returns:
        The mean distance, or None when the two tracks never sound in the same beat.

    Raises:
        KeyError: a name that is not a track of the song.
    """
    analysis = _Analysis(song)
    parts = {p.name: p for p in analysis.parts}
    total, beats = analysis.tonal(parts[track_a], parts[track_b])
    return total / beats if beats else None


def register_adherence(song: Song, registers: dict[str, tuple[int, int]]) -> dict[str, float]:
    """Register adherence of each track named in ``registers``.

    Definition: the share of the track's notes with ``low <= pitch <= high``.

    Args:
        song: the song.
        registers: track name -> inclusive (low, high) MIDI pitches, e.g.
            :data:`companion.theory.JAZZ_REGISTERS`.

    Returns:
        Track name -> share 0..1, for the named tracks that have notes.
    """
    return _ratios(_Analysis(song).registers(registers))


def chord_tone_rate(
    song: Song, chords: list[ChordLabel] | None = None, *, tracks: Sequence[str] | None = None
) -> float:
    """Chord-tone rate: how much of the music sits on the tones of the sounding chord.

    Definition: the share of pitched note-time (the sum over notes of their duration on the
    12-step grid; drums excluded) whose pitch class belongs to the chord sounding at that time.
    With ``chords`` (ground truth, e.g. ``song.chords`` of the jazz corpus) the labels and their
    tones (:data:`companion.theory.CHORD_TONES`, plus the triads of :data:`CHORD_TEMPLATES`) are used,
    and only note-time under a label is scored. With ``chords=None`` every beat is scored against
    the template :func:`recognise_chords` picks for it: the most favourable chord per beat, so this
    is a lenient score (random pitches in the rhythm of the Bach chorales still reach about 0.8,
    against 0.94 for Bach; against ground truth random pitches get about a third).

    Args:
        song: the song.
        chords: ground-truth chord labels, or None to recognise them.
        tracks: score only these pitched tracks (chords are still recognised from all of them);
            default all pitched tracks.

    Returns:
        Share 0..1; NaN when no note-time is scored.

    Raises:
        ValueError: a chord quality outside :data:`CHORD_TEMPLATES`.
    """
    return _ratio(*_Analysis(song).chord_tones(chords, tracks))


SATB = ("Soprano", "Alto", "Tenor", "Bass")
"""The voices of the ``bach`` corpus, from the top: the order :func:`voice_crossing_rate` expects."""


def _songs(songs: Song | Iterable[Song]) -> list[Song]:
    return [songs] if isinstance(songs, Song) else list(songs)


def voice_crossing_rate(songs: Song | Iterable[Song], voices: Sequence[str] = SATB) -> float:
    """Voice-crossing rate: how often a lower voice sounds above a higher one (SATB).

    Definition: on the 12-step grid, over the steps where at least two of ``voices`` sound, the share
    of steps where some lower voice's highest sounding pitch is above some higher voice's lowest
    sounding pitch (voices ordered from the top, tracks matched by name). Pooled over songs.

    Args:
        songs: a song or songs whose tracks are named as in ``voices`` (e.g. ``bach`` and the models
            trained on it); missing voices are left out.
        voices: track names from the highest voice to the lowest.

    Returns:
        Share 0..1; NaN when no step has two voices sounding.

    Example (lesson 02 prints it for MuseGAN's chorales beside the real ones'):
        >>> from companion import Note, Song, Track
        >>> alto = Track("Alto", notes=[Note(0, 64, 480), Note(480, 69, 480)])  # E4, then A4
        >>> voice_crossing_rate(Song([Track("Soprano", notes=[Note(0, 67, 960)]), alto]))  # under G4, then over
        0.5
    """
    crossed = scored = 0
    for song in _songs(songs):
        parts = {p.name: p for p in _Analysis(song).parts}
        rolls = [parts[v].active for v in voices if v in parts]
        if len(rolls) < 2:
            continue
        pitches = np.arange(128)
        sounding = np.stack([r.any(1) for r in rolls])
        top = np.stack([np.where(r, pitches, -1).max(1) for r in rolls])
        bottom = np.stack([np.where(r, pitches, 128).min(1) for r in rolls])
        cross = np.zeros(sounding.shape[1], dtype=bool)
        for upper in range(len(rolls)):
            for lower in range(upper + 1, len(rolls)):
                cross |= sounding[upper] & sounding[lower] & (top[lower] > bottom[upper])
        steps = sounding.sum(0) >= 2
        crossed += int((cross & steps).sum())
        scored += int(steps.sum())
    return _ratio(crossed, scored)


KEY_PROFILES = {
    "major": np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]),
    "minor": np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]),
}
"""Krumhansl & Kessler's (1982) key profiles, tonic first (the Krumhansl-Schmuckler key finder)."""

SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10, 11)}
"""Diatonic pitch classes above the tonic: the major scale; natural plus harmonic minor."""


def estimate_key(song: Song) -> tuple[int, str]:
    """The song's key by the Krumhansl-Schmuckler method: the (tonic pitch class, ``"major"`` or
    ``"minor"``) whose profile correlates best with the duration-weighted pitch-class histogram of the
    pitched tracks (ties to the lower tonic, major first)."""
    histogram = _Analysis(song).pitched_chroma().sum(0).astype(float)
    if not histogram.any():
        return 0, "major"
    best = max(
        ((float(np.corrcoef(histogram, np.roll(profile, tonic))[0, 1]), -i, -tonic, tonic, mode)
         for i, (mode, profile) in enumerate(KEY_PROFILES.items()) for tonic in range(12)),
    )
    return best[3], best[4]


def chord_in_key_rate(songs: Song | Iterable[Song]) -> float:
    """Chord-in-key rate: the share of recognised chords whose tones all lie in the song's key.

    Definition: per song, the key is :func:`estimate_key`'s and the chords are
    :func:`recognise_chords`' (one label per chord change); a chord is in key when every tone of its
    template (:func:`companion.harmony.chord_mask`) is in the key's scale (:data:`SCALES`). Pooled
    over songs. Jazz uses chromatic chords on purpose (a blues' I7), so read it beside the real
    data's value, not against 1.

    Returns:
        Share 0..1; NaN when no chord is recognised.

    Example (lesson 05 prints it for generated jazz beside the corpus's):
        >>> from companion import Note, Song, Track
        >>> c_major = Song([Track("piano", notes=[Note(0, p, 1920) for p in (60, 64, 67)])])
        >>> chord_in_key_rate(c_major)
        1.0
    """
    inside = total = 0
    for song in _songs(songs):
        tonic, mode = estimate_key(song)
        scale = np.zeros(12, dtype=bool)
        scale[[(tonic + d) % 12 for d in SCALES[mode]]] = True
        for chord in recognise_chords(song):
            total += 1
            inside += bool(np.all(scale[chord_mask(chord.root, chord.quality)]))
    return _ratio(inside, total)


# ================================================================================ copy, diversity
def _bar_digests(active: np.ndarray, bounds: np.ndarray) -> tuple[list[bytes], list[bool]]:
    """A digest of each bar's binary roll (all tracks) and whether the bar sounds."""
    digests, sounding = [], []
    for b0, b1 in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        block = active[:, b0:b1]
        h = hashlib.blake2b(digest_size=16)
        h.update(np.array(block.shape, dtype=np.int64).tobytes())
        h.update(np.packbits(block).tobytes())
        digests.append(h.digest())
        sounding.append(bool(block.any()))
    return digests, sounding


def _windows(digests: list[bytes], sounding: list[bool], window_bars: int) -> Iterable[tuple[tuple[bytes, ...], bool]]:
    for b in range(len(digests) - window_bars + 1):
        yield tuple(digests[b : b + window_bars]), any(sounding[b : b + window_bars])


def _copy_counts(
    generated: Iterable[tuple[list[bytes], list[bool]]], training: list[Song], window_bars: int
) -> tuple[int, int]:
    seen = {key for song in training for key, _ in _windows(*_bar_digests(*_grid(song)), window_bars)}
    hits = total = 0
    for digests, sounding in generated:
        for key, sound in _windows(digests, sounding, window_bars):
            if sound:
                total += 1
                hits += key in seen
    return hits, total


def copy_rate(generated: list[Song], training: list[Song], window_bars: int = 4) -> float:
    """Copy rate: how much of the generated music is lifted verbatim from the training songs.

    Definition: every bar-aligned window of ``window_bars`` consecutive bars of each generated song
    that sounds at all is looked up among all bar-aligned windows of the training songs; a window
    matches when its binary roll on the 12-step grid is identical (same pitches sounding at the same
    steps relative to the window start, in every track; tracks matched by position, so generated and
    training songs must share the track layout, as a model's output shares its corpus's). Windows
    are hashed per bar, so the lookup is a set membership test.

    Args:
        generated: the model's songs.
        training: the songs it was trained on.
        window_bars: window length in bars.

    Returns:
        Share 0..1 of the generated non-empty windows found in the training songs; NaN when the
        generated songs have no non-empty window (all shorter than ``window_bars`` or silent).
    """
    return _ratio(*_copy_counts((_bar_digests(*_grid(song)) for song in generated), training, window_bars))


def diversity(songs: list[Song], bars: int = 4, steps_per_beat: int = 4, max_pairs: int = 2000, seed: int = 0) -> float:
    """Diversity: the mean pairwise distance between the songs' openings.

    Definition: each song's first ``bars`` bars as a binary roll at ``steps_per_beat`` (tracks,
    steps and 128 pitches flattened into one set of active cells; songs shorter or with fewer
    tracks padded with silence); the distance of two songs is the Jaccard distance
    ``1 - |A & B| / |A | B|`` of those sets (0 when both are silent). Jaccard rather than normalised
    Hamming because almost every cell of a roll is silent in both songs, which would squeeze
    Hamming distances towards 0. The mean is over all pairs, or ``max_pairs`` seeded random pairs
    of distinct songs when there are more.

    Returns:
        Mean distance 0..1: 0 = all the same, 1 = no active cell shared; NaN for fewer than 2 songs.
    """
    if len(songs) < 2:
        return math.nan
    cells = []
    for song in songs:
        num_steps = int(round(bars * song.ticks_per_bar * steps_per_beat / song.resolution))
        cells.append(np.nonzero(pianoroll.encode(song, steps_per_beat, quantize=True, num_steps=num_steps).active))
    # One flat index per active cell, on a common (tracks, steps, 128) frame: sorted, unique sets.
    steps = max((int(s.max()) + 1 for _, s, _ in cells if len(s)), default=1)
    sets = [np.sort((t * steps + s) * 128 + p) for t, s, p in cells]
    n = len(songs)
    if n * (n - 1) // 2 <= max_pairs:
        first, second = np.triu_indices(n, k=1)
    else:
        rng = np.random.default_rng(seed)
        first = rng.integers(n, size=max_pairs)
        second = rng.integers(n - 1, size=max_pairs)
        second += second >= first
    distances = np.zeros(len(first))
    for k, (i, j) in enumerate(zip(first.tolist(), second.tolist())):
        a, b = sets[i], sets[j]
        inter = len(np.intersect1d(a, b, assume_unique=True))
        union = len(a) + len(b) - inter
        distances[k] = 1 - inter / union if union else 0.0
    return float(distances.mean())


# ================================================================================ the table row
def _song_counts(analysis: _Analysis, registers: dict[str, tuple[int, int]] | None, ground_truth: bool) -> dict:
    song = analysis.song
    chords = song.chords if ground_truth else None
    return {
        "songs": 1,
        "bars": analysis.num_bars,
        "notes": song.num_notes,
        "EB": analysis.empty_bars(),
        "UPC": analysis.pitch_classes(),
        "QN": analysis.qualified(QN_MIN_STEPS),
        "DP": analysis.drum_pattern(0.1),
        "TD": analysis.tonal_pairs(),
        "chord_tone_rate": analysis.chord_tones(chords),
        "chord_tone_rate_tracks": {p.name: analysis.chord_tones(chords, [p.name]) for p in analysis.pitched},
        "register_adherence": analysis.registers(registers) if registers else {},
    }


def _add(total: dict, counts: dict) -> None:
    for key, value in counts.items():
        if isinstance(value, dict):
            into = total.setdefault(key, {})
            for name, (num, den) in value.items():
                old = into.get(name, (0, 0))
                into[name] = (old[0] + num, old[1] + den)
        elif isinstance(value, tuple):
            old = total.get(key) or (0, 0)
            total[key] = (old[0] + value[0], old[1] + value[1])
        elif value is None:
            total.setdefault(key, None)
        else:
            total[key] = total.get(key, 0) + value


def _clean(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)


def _mean(values: Iterable[float]) -> float | None:
    kept = [v for v in values if v is not None and not math.isnan(v)]
    return _clean(sum(kept) / len(kept)) if kept else None


def _finish(total: dict, registers: dict | None, ground_truth: bool) -> dict:
    row: dict = {"songs": total["songs"], "bars": total["bars"], "notes": total["notes"]}
    for key, scale in (("EB", 100.0), ("UPC", 1.0), ("QN", 100.0)):
        per_track = {k: _clean(v) for k, v in _ratios(total[key], scale).items()}
        row[key] = per_track
        row[f"{key}_mean"] = _mean(per_track.values())
    dp = total.get("DP")
    row["DP"] = _clean(_ratio(*dp, 100.0)) if dp else None
    row["TD"] = {k: _clean(v) for k, v in _ratios(total["TD"]).items()}
    row["TD_mean"] = _mean(row["TD"].values())
    row["chord_tone_rate"] = _clean(_ratio(*total["chord_tone_rate"]))
    row["chord_tone_rate_tracks"] = {k: _clean(v) for k, v in _ratios(total["chord_tone_rate_tracks"]).items()}
    row["chords"] = "ground truth" if ground_truth else "recognised"
    if registers:
        reg = {k: _clean(v) for k, v in _ratios(total["register_adherence"]).items()}
        row["register_adherence"] = reg
        row["register_adherence_mean"] = _mean(reg.values())
    return row


def song_metrics(song: Song, registers: dict[str, tuple[int, int]] | None = None) -> dict:
    """Every per-song metric of the suite for one song (the row :func:`corpus_metrics` pools).

    Same fields as :func:`corpus_metrics` without ``diversity`` and ``copy_rate``; chord-tone rate
    against ``song.chords`` when the song has labels, else against recognised chords.
    """
    ground_truth = bool(song.chords)
    total: dict = {}
    _add(total, _song_counts(_Analysis(song), registers, ground_truth))
    return _finish(total, registers, ground_truth)


def corpus_metrics(
    songs: list[Song],
    registers: dict[str, tuple[int, int]] | None = None,
    training: list[Song] | None = None,
) -> dict:
    """The table row every lesson's ``evaluate`` prints: the whole suite over a list of songs.

    Aggregation pools the counts of all songs before dividing (a long song weighs more than a short
    one, exactly as if the songs were one long song): EB = empty bars / bars per track name; UPC =
    pitch classes summed over non-empty bars / non-empty bars; QN = qualified notes / notes; DP =
    scored drum onsets / drum onsets; TD per track pair = summed per-beat distances / beats where
    both sound; chord-tone rate = chord-tone note-time / scored note-time; register adherence =
    notes in register / notes. The ``*_mean`` fields are the unweighted means over tracks (pairs).

    Args:
        songs: the songs to measure (a model's output or a corpus).
        registers: track name -> inclusive (low, high) pitches, e.g. :data:`companion.theory.JAZZ_REGISTERS`.
        training: the training songs, to measure the copy rate of ``songs`` against.

    Returns:
        A JSON-able dict: ``songs``, ``bars``, ``notes``; ``EB``/``UPC``/``QN`` (track -> value) and
        ``EB_mean``/``UPC_mean``/``QN_mean`` (EB and QN in %, UPC a count); ``DP`` (%) or None;
        ``TD`` (``"a/b"`` -> distance) and ``TD_mean``; ``chord_tone_rate`` (0..1), the same per
        pitched track in ``chord_tone_rate_tracks``, and ``chords``
        (``"ground truth"`` when every song has chord labels, else ``"recognised"``);
        ``register_adherence`` and its mean (0..1) when ``registers`` is given; ``diversity`` (0..1);
        ``copy_rate`` (0..1) when ``training`` is given. Floats rounded to 4 decimals, None where
        undefined.
    """
    ground_truth = bool(songs) and all(song.chords for song in songs)
    total: dict = {"songs": 0, "bars": 0, "notes": 0, "EB": {}, "UPC": {}, "QN": {}, "TD": {},
                   "chord_tone_rate": (0, 0), "chord_tone_rate_tracks": {}, "register_adherence": {}}  # fmt: skip
    digests = []
    for song in songs:
        analysis = _Analysis(song)
        _add(total, _song_counts(analysis, registers, ground_truth))
        if training is not None:
            digests.append(_bar_digests(analysis.active, analysis.bar_bounds))
    row = _finish(total, registers, ground_truth)
    row["diversity"] = _clean(diversity(songs))
    if training is not None:
        row["copy_rate"] = _clean(_ratio(*_copy_counts(digests, training, 4)))
    return row


__all__ = [
    "CHORD_TEMPLATES",
    "KEY_PROFILES",
    "QN_MIN_STEPS",
    "SATB",
    "SCALES",
    "STEPS_PER_BEAT",
    "chord_in_key_rate",
    "chord_tone_rate",
    "copy_rate",
    "corpus_metrics",
    "diversity",
    "drum_pattern_rate",
    "empty_bar_rate",
    "estimate_key",
    "qualified_note_rate",
    "recognise_chords",
    "register_adherence",
    "song_metrics",
    "tonal_distance",
    "used_pitch_classes",
    "voice_crossing_rate",
]
