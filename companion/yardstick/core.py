"""The yardstick itself: :func:`measure` (every figure for every set) and :func:`baselines`.

See :mod:`companion.yardstick` for the design and the JSON keys. Used by notebooks 02-06.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .. import metrics
from ..song import Note, Song, Track
from ..theory import RESOLUTION
from . import classify, distances
from .features import (
    coarse_roll,
    cut,
    excerpt_windows,
    feature_table,
    feature_vector,
    sample_excerpts,
    tune_families,
)

OWN_GROUP = 1_000_000
"""Group ids of the classifier split: a real excerpt's group is its piece's tune family
(:func:`~companion.yardstick.features.tune_families` over the training and test songs together);
an excerpt that belongs to no real piece (generated, random, shuffled) is its own group, from
1000000 on."""

COPY_WINDOW_BARS = 4
HEADLINE = "classifier.features.accuracy"


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


def _headline(sets: dict[str, dict]) -> dict:
    """The headline figure of every set: the feature classifier's held-out accuracy and interval
    (group bootstrap)."""
    out = {"metric": "feature classifier held-out accuracy against real training excerpts (0.5 = indistinguishable)"}
    for name, result in sets.items():
        c = result["classifier"]["features"]
        out[name] = {"accuracy": c["accuracy"], "ci": c["ci"]}
    return out


def measure(
    real_train: Sequence[Song],
    real_test: Sequence[Song],
    generated: Sequence[Song] | None,
    *,
    bars: int = 8,
    excerpts: int = 100,
    seed: int = 0,
    nll: float | dict | None = None,
    chords: bool | None = None,
    registers: dict[str, tuple[int, int]] | None = None,
    guaranteed: Sequence[str] = (),
    boots: int = 100,
    overlap_boots: int = 100,
    roll_steps: int = classify.ROLL_STEPS,
    roll_cpu_seconds: float | None = classify.ROLL_CPU_SECONDS,
    with_baselines: bool = True,
    per_track: bool = False,
) -> dict:
    """Every figure of the yardstick for ``generated`` and, beside it, the noise floor and baselines.

    Args:
        real_train: the training split (the reference excerpts, the copy index, the baselines' pools).
        real_test: the held-out split (the noise floor's excerpts).
        generated: the model's songs (cut into ``bars``-bar excerpts), or None to measure only the
            floor and baselines.
        bars: excerpt length in bars.
        excerpts: excerpts per set (the reference, the generated, the floor and each baseline).
        seed: seeds every draw, split, bootstrap and network: the same seed gives the same dict
            (except ``cost``, and the roll classifier when its CPU budget stopped it first).
        nll: the model's negative log-likelihood (passed through as given), where it defines one.
        chords: score chord-tone rate against ground-truth labels too; None: when every real training
            excerpt has labels (the jazz corpus).
        registers: track -> (low, high) for register adherence (e.g. :func:`companion.data.registers_for`).
        guaranteed: figures the model's representation guarantees (e.g. ``"QN"`` on a 16th-note grid),
            passed through to the ``guaranteed`` key.
        boots: bootstrap resamples of the Fréchet distance, copy and chord-tone rates.
        overlap_boots: bootstrap resamples of the mean overlap (each costs a KDE per feature).
        roll_steps, roll_cpu_seconds: the roll classifier's budget per fold.
        with_baselines: also measure the three baselines.
        per_track: also give each set's overlap per pitched track name it shares with the reference
            (``overlap_per_track``; the merged roll stays the measure).

    Returns:
        Plain JSON-able data; keys in :mod:`companion.yardstick`'s docstring.
    """
    started, cpu = time.perf_counter(), time.process_time()
    cost: dict[str, float] = {}
    rng = np.random.default_rng([seed, 1])
    families = np.array(tune_families(list(real_train) + list(real_test)), dtype=np.int64)
    train_families, test_families = families[: len(real_train)], families[len(real_train) :]
    ref_songs, ref_groups, ref_windows = sample_excerpts(real_train, excerpts, bars, rng)
    reference = ExcerptSet(
        "reference",
        ref_songs,
        train_families[np.array(ref_groups, dtype=np.int64)],
        "real training excerpts",
        ref_windows,
    )
    test_songs, test_groups, _ = sample_excerpts(real_test, excerpts, bars, rng)
    sets = {
        "floor": ExcerptSet(
            "floor", test_songs, test_families[np.array(test_groups, dtype=np.int64)], "real test excerpts"
        )
    }
    if generated is not None:
        gen_songs, gen_groups, _ = sample_excerpts(generated, excerpts, bars, rng)
        gen_songs = [s.copy(chords=[]) for s in gen_songs]  # a model's own chord labels are no ground truth
        sets = {"generated": ExcerptSet("generated", gen_songs, OWN_GROUP + np.array(gen_groups), "the model"), **sets}
    if with_baselines:
        sets.update(
            baselines(real_train, n=excerpts, bars=bars, seed=seed, exclude=set(ref_windows), families=train_families)
        )
    cost["excerpts_s"] = time.process_time() - cpu
    ground_truth = all(bool(s.chords) for s in ref_songs) if chords is None else bool(chords)
    t = time.process_time()
    copy_index = CopyIndex(real_train)
    prepared = {"reference": _prepare(reference, bars)} | {k: _prepare(v, bars) for k, v in sets.items()}
    cost["features_s"] = time.process_time() - t
    t = time.process_time()
    described = {
        k: _describe(v.songs, copy_index, registers, ground_truth, np.random.default_rng([seed, 2]), boots)
        for k, v in {"reference": reference, **sets}.items()
    }
    cost["table_s"] = time.process_time() - t
    results: dict[str, dict] = {}
    for name, excerpt_set in sets.items():
        t = time.process_time()
        compared = _against(
            prepared["reference"],
            prepared[name],
            seed=seed,
            boots=boots,
            overlap_boots=overlap_boots,
            roll_steps=roll_steps,
            roll_cpu_seconds=roll_cpu_seconds,
        )
        results[name] = {
            "excerpts": len(excerpt_set.songs),
            "source": excerpt_set.source,
            **compared,
            **described[name],
        }
        if per_track:
            results[name]["overlap_per_track"] = per_track_overlap(reference.songs, excerpt_set.songs, seed=seed)
        cost[f"{name}_s"] = time.process_time() - t
    flagged = sorted(set(guaranteed))
    out = {
        "headline": _headline(results),
        "settings": {
            "bars": bars,
            "excerpts": excerpts,
            "seed": seed,
            "reference": "real training excerpts (every set is compared to these)",
            "view": "merged roll of the pitched tracks (drums left out of the features)",
            "features": list(prepared["reference"].table),
            "feature_vector_dims": int(prepared["reference"].vectors.shape[1]),
            "chords": "recognised (companion.harmony) for every set" + (", plus ground truth" if ground_truth else ""),
            "copy_window_bars": COPY_WINDOW_BARS,
            "boots": boots,
            "overlap_boots": overlap_boots,
            "classifier_folds": classify.FOLDS,
            "classifier_groups": "tune families (real), one per excerpt (generated, random, shuffled)",
            "test_pieces_with_train_twin": int(np.isin(test_families, train_families).sum()),
            "test_pieces": len(real_test),
        },
        "reference": {"excerpts": len(ref_songs), **described["reference"]},
        "sets": results,
        "nll": nll,
        "guaranteed": flagged,
        "chance": {
            k: results["random"].get(k) for k in ("chord_tone_rate", "chord_tone_rate_ground_truth", "copy_rate")
        }
        if "random" in results
        else None,
        "cost": {k: round(v, 2) for k, v in cost.items()}
        | {"wall_s": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2)},
    }
    return plain(out)


def plain(value):
    """JSON-able: numpy scalars to Python, NaN to None, floats rounded to 4 decimals."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value
