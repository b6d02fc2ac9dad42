"""Long-range form: does generated music repeat itself the way real music does, bar to bar?

Real music has form: phrases come back four or eight bars later, a blues chorus returns after twelve.
A transformer that sees a few bars of context at a time can keep the local style and still lose the
form. We measure it with a bar-to-bar *self-similarity* matrix (Foote 1999, on bars instead of audio
frames): each bar of a song becomes its pitch-class roll (12 pitch classes x 16th-note steps, drums
left out), and the similarity of two bars is the cosine of those vectors. Summaries:

* the **lag profile** -- mean similarity of bars ``lag`` bars apart, for lags 1..``max_lag``;
* the **recurrence rate** -- the share of bar pairs at least two bars apart whose similarity is at
  least :data:`RECUR` (a bar that comes back nearly unchanged: a repeated phrase, a returning chorus);
* the **peak contrast** -- the largest value of the lag profile at lags >= 2 minus its mean: near 0
  when no distance between bars is special, larger when bars recur at one period (phrase, chorus).

Real: ``bars``-bar openings of the held-out (test, then valid) songs. Generated: songs of ``bars`` bars from the shipped
``gpt-events`` checkpoints (and ``gpt-chords`` ones, when lesson 04's are shipped), same count.

Regenerate ``results/gpt_events_form.json`` with::

    python -m companion.measurements.lesson05_event_tokens.form           # jazz and bach, 8 songs x 16 bars each
    python -m companion.measurements.lesson05_event_tokens.form --fast    # 2 songs x 8 bars: a smoke test

Used by notebook 05_event_tokens.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from ... import zoo
from ...codecs import pianoroll
from ...data import load_corpus
from ...song import Song
from .. import RESULTS, provenance, write_result
from .common import threads

NAME = "gpt_events_form"
STEPS_PER_BEAT = 2
RECUR = 0.6
"""Cosine similarity from which a bar counts as a recurrence of another."""


def bar_vectors(song: Song, bars: int | None = None) -> np.ndarray:
    """(bars, 12 * steps per bar) pitch-class rolls of the pitched tracks, one row per bar."""
    pitched = song.copy(tracks=[t for t in song.tracks if not t.is_drum])
    bars = bars or song.num_bars
    per_bar = round(song.ticks_per_bar * STEPS_PER_BEAT / song.resolution)
    num_steps = bars * per_bar
    if pitched.num_notes == 0:
        return np.zeros((bars, 12 * per_bar))
    roll = pianoroll.encode(pitched, STEPS_PER_BEAT, quantize=True, num_steps=max(num_steps, 1)).active.any(axis=0)
    roll = roll[:num_steps]
    if len(roll) < num_steps:
        roll = np.concatenate([roll, np.zeros((num_steps - len(roll), 128), dtype=bool)])
    chroma = np.zeros((num_steps, 12))
    for pc in range(12):
        chroma[:, pc] = roll[:, pc::12].any(axis=1)
    return chroma.reshape(bars, per_bar * 12)


def self_similarity(song: Song, bars: int | None = None) -> np.ndarray:
    """(bars, bars) cosine similarity of the bars' pitch-class rolls (0 where a bar is silent)."""
    vectors = bar_vectors(song, bars)
    norms = np.linalg.norm(vectors, axis=1)
    unit = np.divide(vectors, norms[:, None], out=np.zeros_like(vectors), where=norms[:, None] > 0)
    return unit @ unit.T


def lag_profile(songs: list[Song], bars: int, max_lag: int) -> list[float]:
    """Mean similarity of bars ``lag`` apart, lag = 1..max_lag, pooled over songs."""
    sums, counts = np.zeros(max_lag), np.zeros(max_lag)
    for song in songs:
        sim = self_similarity(song, bars)
        for lag in range(1, min(max_lag, bars - 1) + 1):
            diagonal = np.diagonal(sim, offset=lag)
            sums[lag - 1] += diagonal.sum()
            counts[lag - 1] += len(diagonal)
    return [round(float(s / c), 4) if c else None for s, c in zip(sums, counts)]


def recurrence_rate(songs: list[Song], bars: int) -> float:
    """Share of bar pairs (lag >= 2) with similarity >= :data:`RECUR`, pooled over songs (silent bars excluded)."""
    hits = total = 0
    for song in songs:
        sim = self_similarity(song, bars)
        sounding = np.diag(sim) > 0
        i, j = np.triu_indices(len(sim), k=2)
        keep = sounding[i] & sounding[j]
        hits += int((sim[i, j][keep] >= RECUR).sum())
        total += int(keep.sum())
    return round(hits / total, 4) if total else float("nan")


def summary(songs: list[Song], bars: int, max_lag: int) -> dict:
    """Lag profile, peak contrast and recurrence rate of songs' first ``bars`` bars."""
    profile = lag_profile(songs, bars, max_lag)
    tail = [v for v in profile[1:] if v is not None]
    return {
        "songs": len(songs),
        "lag_profile": profile,
        "peak_contrast": round(max(tail) - float(np.mean(tail)), 4) if tail else None,
        "recurrence_rate": recurrence_rate(songs, bars),
    }


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="2 songs of 8 bars (a smoke test)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    started = time.perf_counter()
    num_songs, bars = (2, 8) if args.fast else (8, 16)
    max_lag = bars - 2
    corpora = {}
    for name in ("jazz", "bach"):
        corpus = load_corpus(name)
        real = [s for s in corpus.test + corpus.valid if s.num_bars >= bars][:num_songs]
        row = {"real": summary(real, bars, max_lag)}
        for model in ("gpt-events", "gpt-chords"):
            path = zoo.shipped_path(model, name)
            if not path.exists():
                row[model] = None
                continue
            songs = zoo.sample(zoo.load(path), num_songs, bars=bars, seed=0)
            row[model] = summary(songs, bars, max_lag)
        corpora[name] = row
    data = {
        "representation": f"pitch-class roll per bar at {STEPS_PER_BEAT} steps per beat, drums left out; cosine",
        "bars": bars,
        "recurrence_threshold": RECUR,
        "corpora": corpora,
    }
    result = {**provenance(NAME, fast=args.fast, started=started, threads=threads()), **data}
    return write_result(args.out or RESULTS / f"{NAME}.json", result)


if __name__ == "__main__":
    main()
