"""One set's figures against the reference: the copy index, the table row and chord-tone rates with
bootstrap intervals, and the overlap, both classifiers and the Fréchet distance.

:func:`companion.yardstick.measure` computes these for every set; :func:`per_track_overlap` gives the
overlap track by track. See :mod:`companion.yardstick` for the design and the JSON keys.

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and 06_diminishing_returns
(through :func:`companion.yardstick.measure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import metrics
from ..song import Song, Track
from . import classify, distances
from .baselines import ExcerptSet
from .features import coarse_roll, feature_table, feature_vector

COPY_WINDOW_BARS = 4


# =============================================================================== copy rate
def _merged(song: Song) -> Song:
    """The song as two tracks, pitched notes merged and drums merged (the copy rate's view)."""
    pitched = [n for t in song.tracks if not t.is_drum for n in t.notes]
    drums = [n for t in song.tracks if t.is_drum for n in t.notes]
    return song.copy(tracks=[Track("pitched", 0, False, pitched), Track("drums", 0, True, drums)], chords=[])


class CopyIndex:
    """Every bar-aligned :data:`COPY_WINDOW_BARS`-bar window of the training songs' merged roll (12
    steps per beat), hashed once; :meth:`counts` looks an excerpt's windows up."""

    def __init__(self, training: Sequence[Song]):
        self.seen = set()
        for song in training:
            digests = metrics._bar_digests(*metrics._grid(_merged(song)))
            self.seen.update(key for key, _ in metrics._windows(*digests, COPY_WINDOW_BARS))

    def counts(self, song: Song) -> tuple[int, int]:
        """(windows found verbatim, sounding windows) of one excerpt."""
        digests = metrics._bar_digests(*metrics._grid(_merged(song)))
        hits = total = 0
        for key, sound in metrics._windows(*digests, COPY_WINDOW_BARS):
            if sound:
                total += 1
                hits += key in self.seen
        return hits, total


# =============================================================================== one set's figures
def _ratio_ci(num: np.ndarray, den: np.ndarray, rng: np.random.Generator, boots: int) -> tuple[float | None, list]:
    """Pooled ratio sum(num) / sum(den) and its bootstrap 95 % interval over excerpts."""
    if den.sum() == 0:
        return None, None
    idx = rng.integers(len(num), size=(boots, len(num)))
    d = den[idx].sum(1)
    values = num[idx].sum(1)[d > 0] / d[d > 0]
    return float(num.sum() / den.sum()), distances._percentile(list(values))


def _harmony_counts(songs: Sequence[Song], ground_truth: bool) -> dict[str, np.ndarray]:
    """Per excerpt: chord-tone note-time and scored note-time against recognised chords (the one
    recogniser for every set) and, when ``ground_truth``, against the excerpt's own chord labels."""
    rows = []
    for song in songs:
        analysis = metrics._Analysis(song.copy(chords=[]))
        rec = analysis.chord_tones(None)
        gt = analysis.chord_tones(song.chords) if ground_truth and song.chords else (0, 0)
        rows.append((*rec, *gt))
    a = np.array(rows, dtype=np.float64).reshape(len(rows), 4)
    return {"recognised": a[:, :2], "ground_truth": a[:, 2:]}


def _describe(
    songs: Sequence[Song],
    copy_index: CopyIndex,
    registers: dict | None,
    ground_truth: bool,
    rng: np.random.Generator,
    boots: int,
) -> dict:
    """Table row (corpus_metrics, recognised chords), copy rate and chord-tone rates with intervals."""
    row = metrics.corpus_metrics([s.copy(chords=[]) for s in songs], registers=registers)
    copies = np.array([copy_index.counts(s) for s in songs], dtype=np.float64).reshape(len(songs), 2)
    harmony = _harmony_counts(songs, ground_truth)
    rate, ci = _ratio_ci(copies[:, 0], copies[:, 1], rng, boots)
    rec, rec_ci = _ratio_ci(*harmony["recognised"].T, rng, boots)
    out = {"table": row, "copy_rate": rate, "copy_rate_ci": ci, "chord_tone_rate": rec, "chord_tone_rate_ci": rec_ci}
    if ground_truth:
        gt, gt_ci = _ratio_ci(*harmony["ground_truth"].T, rng, boots)
        out.update(chord_tone_rate_ground_truth=gt, chord_tone_rate_ground_truth_ci=gt_ci)
    return out


@dataclass
class _Prepared:
    """A set's features, feature vectors and coarse rolls, computed once."""

    table: dict[str, np.ndarray]
    vectors: np.ndarray
    rolls: np.ndarray
    groups: np.ndarray


def _prepare(excerpts: ExcerptSet, bars: int) -> _Prepared:
    table = feature_table(excerpts.songs)
    rolls = np.stack([coarse_roll(s, bars) for s in excerpts.songs])
    return _Prepared(table, feature_vector(table), rolls, np.asarray(excerpts.groups))


def _against(
    reference: _Prepared,
    candidate: _Prepared,
    *,
    seed: int,
    boots: int,
    overlap_boots: int,
    roll_steps: int,
    roll_cpu_seconds: float | None,
) -> dict:
    """Overlap, both classifiers and the Fréchet distance of ``candidate`` against ``reference``."""
    return {
        "overlap": distances.overlap(reference.table, candidate.table, seed=seed, boots=overlap_boots),
        "classifier": {
            "features": classify.feature_test(
                reference.vectors, candidate.vectors, reference.groups, candidate.groups, seed=seed
            ),
            "roll": classify.roll_test(
                reference.rolls,
                candidate.rolls,
                reference.groups,
                candidate.groups,
                seed=seed,
                steps=roll_steps,
                cpu_seconds=roll_cpu_seconds,
            ),
        },
        "frechet": distances.frechet_distance(reference.vectors, candidate.vectors, seed=seed, boots=boots),
    }


def _only(songs: Sequence[Song], name: str) -> list[Song]:
    return [s.copy(tracks=[t for t in s.tracks if t.name == name]) for s in songs]


def per_track_overlap(reference: Sequence[Song], candidate: Sequence[Song], *, seed: int = 0, boots: int = 0) -> dict:
    """Track name -> :func:`companion.yardstick.distances.overlap` of that track alone, for every pitched
    track name both sets have (a model that writes the corpus's parts: MuseGAN, gpt-events)."""
    names = [t.name for t in reference[0].tracks if not t.is_drum] if reference else []
    theirs = {t.name for s in candidate for t in s.tracks if not t.is_drum}
    return {
        name: distances.overlap(
            feature_table(_only(reference, name)), feature_table(_only(candidate, name)), seed=seed, boots=boots
        )  # fmt: skip
        for name in names
        if name in theirs
    }
