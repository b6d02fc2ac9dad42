"""The yardstick's excerpt sets and its three baselines: random notes, shuffled bars, verbatim copies.

An :class:`ExcerptSet` is the excerpts of one set with the classifier group of each; the baselines
(:func:`baselines`) bracket a model between chance (``random``: the training pools' pitches and
durations at random onsets; ``shuffled``: real bars in a wrong order) and a perfect copy (``copy``).
See :mod:`companion.yardstick` for the design.

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and 06_diminishing_returns
(through :func:`companion.yardstick.measure`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..song import Note, Song, Track
from ..theory import RESOLUTION
from .features import cut, excerpt_windows, sample_excerpts, tune_families

OWN_GROUP = 1_000_000
"""Group ids of the classifier split: a real excerpt's group is its piece's tune family
(:func:`~companion.yardstick.features.tune_families` over the training and test songs together);
an excerpt that belongs to no real piece (generated, random, shuffled) is its own group, from
1000000 on."""


@dataclass
class ExcerptSet:
    """Excerpts of one set, the classifier group of each, and where they came from."""

    name: str
    songs: list[Song]
    groups: np.ndarray
    source: str
    windows: list[tuple[int, int]] = field(default_factory=list)


# =============================================================================== baselines
def _pools(songs: Sequence[Song]) -> dict[str, tuple[np.ndarray, np.ndarray, bool]]:
    """Track name -> (pitches, durations in ticks at 480 per beat, is_drum) of all its notes."""
    pools: dict[str, tuple[list[int], list[int], bool]] = {}
    for song in songs:
        scale = RESOLUTION / song.resolution
        for t in song.tracks:
            p, d, _ = pools.setdefault(t.name, ([], [], t.is_drum))
            p.extend(n.pitch for n in t.notes)
            d.extend(max(1, round(n.duration * scale)) for n in t.notes)
    return {k: (np.array(p), np.array(d), drum) for k, (p, d, drum) in pools.items()}


def random_notes(real_train: Sequence[Song], n: int, bars: int, rng: np.random.Generator) -> list[Song]:
    """Baseline "random": per excerpt, a real training excerpt's track layout, note count per track and
    chord labels (so its ground-truth chord-tone rate is the chance level), but every note's pitch and
    duration drawn independently from that track's pitches and durations over the whole training
    split, and its onset uniform on the 16th-note grid of the ``bars`` bars."""
    pools = _pools(real_train)
    templates, _, _ = sample_excerpts(real_train, n, bars, rng)
    out = []
    for k, template in enumerate(templates):
        song = template.copy(title=f"random notes #{k}")
        scale = song.resolution / RESOLUTION
        sixteenth = song.resolution // 4
        slots = bars * song.ticks_per_bar // sixteenth
        end = bars * song.ticks_per_bar
        tracks = []
        for t in song.tracks:
            pitches, durations, _ = pools[t.name]
            count = len(t.notes)
            if count == 0 or len(pitches) == 0:
                tracks.append(Track(t.name, t.program, t.is_drum, []))
                continue
            starts = rng.integers(slots, size=count) * sixteenth
            ps = pitches[rng.integers(len(pitches), size=count)]
            ds = np.maximum(1, np.rint(durations[rng.integers(len(durations), size=count)] * scale)).astype(int)
            notes = [Note(int(s), int(p), int(min(d, end - s))) for s, p, d in zip(starts, ps, ds)]
            tracks.append(Track(t.name, t.program, t.is_drum, sorted(notes)))
        song.tracks = tracks
        out.append(song)
    return out


def shuffled_bars(real_train: Sequence[Song], n: int, bars: int, rng: np.random.Generator) -> list[Song]:
    """Baseline "shuffled": each excerpt is ``bars`` training bars drawn at random across all pieces
    and played in a row (locally real, globally wrong); tracks joined by name, chords kept."""
    index = [(i, b) for i, song in enumerate(real_train) for b in range(song.num_bars)]
    out = []
    for k in range(n):
        picks = rng.choice(len(index), size=bars, replace=True)
        first = real_train[index[int(picks[0])][0]]
        tpb = first.ticks_per_bar
        song = cut(first, index[int(picks[0])][1], 1)
        tracks = {t.name: Track(t.name, t.program, t.is_drum, []) for t in song.tracks}
        chords = []
        for j, pick in enumerate(picks.tolist()):
            i, b = index[pick]
            bar = cut(real_train[i], b, 1)
            scale = first.resolution / bar.resolution
            for t in bar.tracks:
                track = tracks.setdefault(t.name, Track(t.name, t.program, t.is_drum, []))
                track.notes.extend(
                    Note(j * tpb + round(x.start * scale), x.pitch, max(1, round(x.duration * scale)), x.velocity)
                    for x in t.notes
                )
            chords.extend(
                replace(c, tick=j * tpb + round(c.tick * scale), duration=round(c.duration * scale)) for c in bar.chords
            )
        out.append(
            song.copy(
                tracks=[t.sorted() for t in tracks.values()],
                chords=chords,
                length=bars * tpb,
                title=f"shuffled bars #{k}",
            )
        )
    return out


def baselines(
    real_train: Sequence[Song],
    *,
    n: int = 100,
    bars: int = 8,
    seed: int = 0,
    exclude: set[tuple[int, int]] | None = None,
    families: Sequence[int] | None = None,
) -> dict[str, ExcerptSet]:
    """The three baselines, ``n`` excerpts of ``bars`` bars each: ``random`` (:func:`random_notes`),
    ``shuffled`` (:func:`shuffled_bars`) and ``copy`` -- real training excerpts copied verbatim (windows
    outside ``exclude``, the reference's own windows, and outside the reference's pieces where enough
    other pieces remain), a perfect distribution with copy rate 1.0.
    ``families``: the classifier group of each training song (default :func:`tune_families`)."""
    families = np.asarray(tune_families(real_train) if families is None else families)
    rng = np.random.default_rng([seed, 7])
    if exclude:  # whole pieces of the reference left out where enough others remain (no mixed groups)
        used = {i for i, _ in exclude}
        pieces = {w for w in excerpt_windows(real_train, bars) if w[0] in used}
        if len(excerpt_windows(real_train, bars)) - len(pieces) >= n:
            exclude = exclude | pieces
    copies, copy_groups, copy_windows = sample_excerpts(real_train, n, bars, rng, exclude=exclude)
    rand = random_notes(real_train, n, bars, rng)
    shuf = shuffled_bars(real_train, n, bars, rng)
    own = OWN_GROUP + np.arange(n)
    return {
        "random": ExcerptSet("random", rand, own[: len(rand)], "random notes from the training pitch/duration pools"),
        "shuffled": ExcerptSet("shuffled", shuf, own[: len(shuf)], "training bars shuffled across pieces"),
        "copy": ExcerptSet(
            "copy",
            copies,
            families[np.array(copy_groups, dtype=np.int64)],
            "training excerpts copied verbatim",
            copy_windows,
        ),
    }
