"""Excerpts and their features: what the yardstick measures of every set of music.

Every set (real, generated, baseline) is cut into **excerpts of** ``bars`` **bars** (8 by default),
bar-aligned, and every feature is computed on an excerpt's **merged roll**: the notes of all its
pitched tracks pooled as one part, drums left out (a drum note's "pitch" names an instrument). The
merged roll is the only view every architecture shares -- the image GAN and gpt-chords write one
track, MuseGAN and gpt-events four or five -- so no model is spared or punished for its track layout.

Features after Yang & Lerch (2018, "On the evaluation of generative models in music", mgeval), per
excerpt (beats are quarter notes):

* ``pitch_count`` -- distinct MIDI pitches used.
* ``pitch_class_histogram`` (12) -- share of notes on each pitch class C..B.
* ``pitch_range`` -- highest minus lowest pitch [semitones].
* ``mean_pitch`` -- mean MIDI pitch (our addition: the only absolute-register feature; mgeval's list
  is blind to an octave transposition).
* ``avg_pitch_interval`` -- mean absolute interval between consecutive notes in canonical order
  (start, then pitch) [semitones].
* ``note_count`` -- notes in the excerpt.
* ``avg_ioi`` -- mean inter-onset interval between distinct onset times [beats].
* ``note_length_histogram`` (12) -- share of notes nearest (in log duration) to each of mgeval's 12
  length classes: whole, half, quarter, 8th, 16th, their dotted forms, and half/quarter/8th triplets.
* ``pitch_class_transition_matrix`` (12 x 12) -- share of consecutive note pairs going from pitch
  class a to pitch class b.
* ``polyphony`` -- mean number of pitches sounding at a 16th-note step, over steps where any sounds.

:func:`feature_vector` flattens them into the **feature vector** of the classifier test and the
Fréchet distance: the 7 scalars, the two 12-bin histograms and the 12-bin histogram of transition
intervals ((b - a) mod 12, the transition matrix summed along its diagonals) -- 43 numbers.
:func:`coarse_roll` is what the roll classifier sees.

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and
06_diminishing_returns through :func:`companion.yardstick.measure`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..song import Song

SCALARS = ("pitch_count", "pitch_range", "mean_pitch", "avg_pitch_interval", "note_count", "avg_ioi", "polyphony")
HISTOGRAMS = ("pitch_class_histogram", "note_length_histogram", "pitch_class_transition_matrix")
FEATURES = (
    "pitch_count",
    "pitch_class_histogram",
    "pitch_range",
    "mean_pitch",
    "avg_pitch_interval",
    "note_count",
    "avg_ioi",
    "note_length_histogram",
    "pitch_class_transition_matrix",
    "polyphony",
)
"""The features of the overlap table, in the order they are reported."""

LENGTH_CLASSES = np.array([4, 2, 1, 1 / 2, 1 / 4, 3, 3 / 2, 3 / 4, 3 / 8, 4 / 3, 2 / 3, 1 / 3])
"""mgeval's 12 note-length classes in beats, in its order: whole, half, quarter, 8th, 16th; dotted
half, quarter, 8th, 16th; half, quarter and 8th triplets."""

ROLL_STEPS_PER_BEAT = 4
"""Time grid of the roll classifier's input (16th notes)."""
ROLL_CHANNELS = 12 + 11 + 1
"""Coarse roll channels: 12 pitch classes sounding, 11 octave bands sounding (MIDI // 12), onsets."""


def excerpt_windows(songs: Sequence[Song], bars: int) -> list[tuple[int, int]]:
    """Every bar-aligned window of ``bars`` bars: (song index, first bar) pairs."""
    return [(i, b) for i, song in enumerate(songs) for b in range(max(song.num_bars - bars + 1, 0))]


def cut(song: Song, first_bar: int, bars: int) -> Song:
    """The ``bars`` bars of ``song`` from ``first_bar``, shifted to start at 0 (declared length
    ``bars`` bars; chords kept)."""
    tpb = song.ticks_per_bar
    out = song.crop(first_bar * tpb, (first_bar + bars) * tpb)
    out.title = f"{song.title} bars {first_bar + 1}-{first_bar + bars}"
    return out


def sample_excerpts(
    songs: Sequence[Song], n: int, bars: int, rng: np.random.Generator, exclude: set[tuple[int, int]] | None = None
) -> tuple[list[Song], list[int], list[tuple[int, int]]]:
    """``n`` distinct windows of ``bars`` bars (minus ``exclude``), spread as widely as the songs allow:
    the songs are dealt excerpts round-robin in a seeded random order (every song one before any song
    two, while it has windows left), and a song's k excerpts start at evenly spaced bars (random
    offset), so excerpts of one piece overlap as little as its length permits. Songs shorter than
    ``bars`` give one padded excerpt each when no song has a whole window. Returns the excerpts, their
    song index (for the classifier's groups) and the windows. Fewer than ``n`` windows: all of them."""
    by_song: dict[int, list[int]] = {}
    for i, b in excerpt_windows(songs, bars):
        if not exclude or (i, b) not in exclude:
            by_song.setdefault(i, []).append(b)
    if not by_song:
        by_song = {i: [0] for i in range(len(songs))}
    order = rng.permutation(sorted(by_song)).tolist()
    counts = dict.fromkeys(order, 0)
    left = min(n, sum(len(v) for v in by_song.values()))
    while left:
        for i in order:
            if left and counts[i] < len(by_song[i]):
                counts[i] += 1
                left -= 1
    picked = []
    for i in sorted(counts):
        k, starts = counts[i], by_song[i]
        if k == 0:
            continue
        step = len(starts) / k
        offset = rng.random() * step
        picked.extend((i, starts[min(int(offset + j * step), len(starts) - 1)]) for j in range(k))
    return [cut(songs[i], b, bars) for i, b in picked], [i for i, _ in picked], picked


def _notes(song: Song) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pitched notes of all tracks merged, canonical order: starts and durations in beats, pitches."""
    rows = sorted((n.start, n.pitch, n.duration) for t in song.tracks if not t.is_drum for n in t.notes)
    if not rows:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
    a = np.array(rows, dtype=np.float64)
    return a[:, 0] / song.resolution, a[:, 2] / song.resolution, a[:, 1].astype(np.int64)


def excerpt_features(song: Song) -> dict[str, np.ndarray]:
    """The features of one excerpt (module docstring), each as a float array (scalars of shape ())."""
    starts, lengths, pitches = _notes(song)
    out: dict[str, np.ndarray] = {}
    count = len(pitches)
    out["note_count"] = np.array(float(count))
    out["pitch_count"] = np.array(float(len(np.unique(pitches))))
    out["pitch_range"] = np.array(float(pitches.max() - pitches.min()) if count else 0.0)
    out["mean_pitch"] = np.array(float(pitches.mean()) if count else 0.0)
    out["avg_pitch_interval"] = np.array(float(np.abs(np.diff(pitches)).mean()) if count > 1 else 0.0)
    onsets = np.unique(starts)
    out["avg_ioi"] = np.array(float(np.diff(onsets).mean()) if len(onsets) > 1 else 0.0)
    pcs = pitches % 12
    hist = np.bincount(pcs, minlength=12).astype(float)
    out["pitch_class_histogram"] = hist / max(count, 1)
    if count:
        nearest = np.abs(np.log2(lengths[:, None]) - np.log2(LENGTH_CLASSES)[None, :]).argmin(1)
        lengths_hist = np.bincount(nearest, minlength=12).astype(float) / count
    else:
        lengths_hist = np.zeros(12)
    out["note_length_histogram"] = lengths_hist
    matrix = np.zeros((12, 12))
    if count > 1:
        np.add.at(matrix, (pcs[:-1], pcs[1:]), 1.0)
        matrix /= count - 1
    out["pitch_class_transition_matrix"] = matrix.ravel()
    grid = ROLL_STEPS_PER_BEAT
    if count:
        s = np.rint(starts * grid).astype(np.int64)
        e = np.maximum(np.rint((starts + lengths) * grid).astype(np.int64), s + 1)
        diff = np.zeros(int(e.max()) + 1)
        np.add.at(diff, s, 1.0)
        np.add.at(diff, e, -1.0)
        sounding = np.cumsum(diff)[:-1]
        out["polyphony"] = np.array(float(sounding[sounding > 0].mean()))
    else:
        out["polyphony"] = np.array(0.0)
    return out


def feature_table(songs: Sequence[Song]) -> dict[str, np.ndarray]:
    """Feature name -> (excerpts, d) array for a set of excerpts (d = 1 for a scalar)."""
    rows = [excerpt_features(s) for s in songs]
    return {k: np.array([np.atleast_1d(r[k]) for r in rows]).reshape(len(rows), -1) for k in FEATURES}


def feature_vector(table: dict[str, np.ndarray]) -> np.ndarray:
    """(excerpts, 43): the 7 scalars, the pitch-class and note-length histograms, and the histogram of
    transition intervals (b - a) mod 12 (module docstring)."""
    n = len(table["note_count"])
    matrix = table["pitch_class_transition_matrix"].reshape(n, 12, 12)
    a, b = np.meshgrid(np.arange(12), np.arange(12), indexing="ij")
    intervals = np.zeros((n, 12))
    for k in range(12):
        intervals[:, k] = matrix[:, a, b][:, (b - a) % 12 == k].sum(1)
    scalars = np.concatenate([table[k] for k in SCALARS], axis=1)
    return np.concatenate([scalars, table["pitch_class_histogram"], table["note_length_histogram"], intervals], axis=1)


def coarse_roll(song: Song, bars: int) -> np.ndarray:
    """(ROLL_CHANNELS, steps) float32 at 16th notes over ``bars`` bars of 4/4 (an excerpt in another
    metre is padded with silence or cut, so every roll has the same shape): how many pitches of each
    pitch class and of each octave band sound, and how many notes start, at each step (merged pitched
    tracks, as the features)."""
    steps = bars * 4 * ROLL_STEPS_PER_BEAT
    roll = np.zeros((ROLL_CHANNELS, steps + 1), dtype=np.float32)
    starts, lengths, pitches = _notes(song)
    if len(pitches):
        s = np.clip(np.rint(starts * ROLL_STEPS_PER_BEAT).astype(np.int64), 0, steps)
        e = np.clip(np.maximum(np.rint((starts + lengths) * ROLL_STEPS_PER_BEAT).astype(np.int64), s + 1), 0, steps)
        for channel in (pitches % 12, 12 + np.clip(pitches // 12, 0, 10)):
            np.add.at(roll, (channel, s), 1.0)
            np.add.at(roll, (channel, e), -1.0)
        roll[:23] = np.cumsum(roll[:23], axis=1)
        np.add.at(roll, (np.full(len(s), 23), s), 1.0)
    return roll[:, :steps]


TUNE_KEY_INTERVALS = 12
"""Opening intervals of the top part that name a tune (:func:`tune_families`)."""


def tune_families(songs: Sequence[Song]) -> list[int]:
    """A family id per song: songs whose top part (the pitched track with the highest mean pitch)
    opens with the same :data:`TUNE_KEY_INTERVALS` intervals share one (a tune harmonised twice, as
    many Bach chorales are -- 13 of the 36 test chorales of split seed 0 have a twin in the training
    split); a song whose top part has fewer notes is a family of its own. The classifier test splits
    by family, so twins never sit on opposite sides of a fold."""
    ids: dict[tuple, int] = {}
    out = []
    for index, song in enumerate(songs):
        pitched = [t for t in song.tracks if not t.is_drum and t.notes]
        key: tuple = ("own", index)
        if pitched:
            top = max(pitched, key=lambda t: sum(n.pitch for n in t.notes) / len(t.notes))
            pitches = [n.pitch for n in sorted(top.notes)]
            if len(pitches) > TUNE_KEY_INTERVALS:
                key = tuple(np.diff(pitches[: TUNE_KEY_INTERVALS + 1]).tolist())
        out.append(ids.setdefault(key, len(ids)))
    return out
