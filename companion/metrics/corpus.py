"""Corpus-level metrics and the table row: copy rate, diversity, and the pooling of every per-song count.

:func:`song_metrics` and :func:`corpus_metrics` give the row every lesson's ``evaluate`` prints; they
pool the (numerator, denominator) counts of :class:`~companion.metrics.analysis._Analysis` over
songs before dividing. :func:`copy_rate` hashes bars and looks windows up in a set;
:func:`diversity` is a mean pairwise Jaccard distance of the songs' openings.

Used by notebooks 01_representing_music, 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens,
06_diminishing_returns and definitions.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

import numpy as np

from ..codecs import pianoroll
from ..song import Song
from .analysis import _Analysis, _grid, _ratio, _ratios
from .musegan import QN_MIN_STEPS


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
