"""The main job, ``python -m companion demo``: every architecture of the course, from its shipped
checkpoint, next to the real data -- and one real piece through the representations.

For each model of :data:`companion.zoo.MODELS` that has a shipped checkpoint for the corpus, the demo
generates ``DEMO_BARS`` bars (seeded), writes ``DIR/<model>.mid``, ``.wav`` and ``.png``, and measures
the shared metrics (:func:`companion.metrics.corpus_metrics`) over ``DEMO_SAMPLES`` generated pieces,
next to the same metrics of the real test split (first row). Each model's row also carries its
**yardstick headline** as stored for the shipped checkpoint (feature-classifier accuracy with its 95 %
interval, Fréchet distance, mean overlap; ``headline_source`` says from where: its manifest or
``results/shipped_yardstick.jsonl``, matched by sha256; nothing is measured), and the real row the
noise floor's. ``DIR/summary.json`` holds the table, the timings and the list of files; the table
and the headlines are printed.

``DIR/representations/`` holds the first ``DEMO_BARS`` bars of a real test piece as each
representation gives it back (lesson 01): ``original``; ``roll-12-binary`` and ``roll-16th-binary``
(decoded from on/off cells alone, as a model's output would be: repeated notes merge, triplets move
on 16ths); ``pitch-class-only`` (every note folded into C4..B4: what an octave-blind model gives back).

Used by the README's first command and by notebooks 00_tour and 06_diminishing_returns.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

from tqdm.auto import tqdm

from . import shipped, zoo
from .audio import fluidsynth_available, write_wav
from .codecs import pianoroll
from .data import load_corpus, registers_for
from .metrics import corpus_metrics
from .midi import write_midi
from .plot import save_png
from .song import Song

DEMO_BARS = 8
DEMO_SAMPLES = 2
TABLE_COLUMNS = ("EB_mean", "UPC_mean", "QN_mean", "DP", "TD_mean", "chord_tone_rate",
                 "register_adherence_mean", "diversity", "copy_rate")


def representation_versions(song: Song) -> dict[str, Song]:
    """The piece as each representation gives it back (see the module docstring)."""
    versions = {"original": song}
    for name, steps in (("roll-12-binary", 12), ("roll-16th-binary", 4)):
        roll = pianoroll.encode(song, steps, quantize=True)
        roll.onsets = roll.velocities = None
        versions[name] = pianoroll.decode(roll, resolution=song.resolution, title=f"{song.title} {name}")
    folded = song.copy(
        tracks=[
            t if t.is_drum else replace(t, notes=[replace(n, pitch=60 + n.pitch % 12) for n in t.notes])
            for t in song.tracks
        ],
        title=f"{song.title} pitch-class-only",
    )
    versions["pitch-class-only"] = folded
    return versions


def _kept(original: Song, version: Song) -> dict:
    notes = {(i, n.start, n.pitch, n.duration) for i, t in enumerate(original.tracks) for n in t.notes}
    back = {(i, n.start, n.pitch, n.duration) for i, t in enumerate(version.tracks) for n in t.notes}
    return {
        "notes": version.num_notes,
        "notes_exact_pct": round(100.0 * len(notes & back) / max(len(notes), 1), 1),
        "pitches_used": len({n.pitch for t in version.tracks for n in t.notes}),
    }


def _write_all(song: Song, stem: Path, title: str) -> list[str]:
    write_midi(song, stem.with_suffix(".mid"))
    write_wav(song, stem.with_suffix(".wav"))
    save_png(song, stem.with_suffix(".png"), title=title)
    return [stem.with_suffix(s).name for s in (".mid", ".wav", ".png")]


def _row(name: str, metrics: dict, **extra) -> dict:
    return {"model": name} | {k: metrics.get(k) for k in TABLE_COLUMNS} | extra


def _headline(path: Path, real_row: dict) -> dict:
    """The shipped model's yardstick figures as stored (:func:`companion.shipped.headline`: nothing is
    measured), and the noise floor's headline into ``real_row``; ``headline`` None where none is stored."""
    stored = shipped.headline(path)
    if stored is None:
        return {"headline": None, "headline_source": "not scored (python -m companion.shipped)"}
    real_row.setdefault("headline", stored["floor"])
    return {k: stored[k] for k in ("headline", "frechet", "overlap_mean", "overlap_mean_ci")} | {
        "headline_source": f"{stored['split']} split, {stored['excerpts']} excerpts, {stored['source']}"}


def run_demo(out: Path, corpus: str = "bach", seed: int = 0) -> dict:
    """Write the demo files into ``out`` and return (and save) ``summary.json``'s content."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    data = load_corpus(corpus, seed=seed)
    registers = registers_for(corpus)
    real = [s.crop(0, DEMO_BARS * s.ticks_per_bar) for s in data.test]
    table = [_row("real data (test split)", corpus_metrics(real, registers, training=data.train))]
    files: list[str] = []
    missing = []
    models = [m for m, e in zoo.MODELS.items() if corpus in e.corpora]
    for name in tqdm(models, desc="demo", unit="model"):
        path = zoo.shipped_path(name, corpus)
        if not path.exists():
            missing.append(name)
            continue
        checkpoint = zoo.load(path)
        tick = time.perf_counter()
        song = zoo.generate(checkpoint, bars=DEMO_BARS, seed=seed)
        seconds = time.perf_counter() - tick
        samples = [song] + [zoo.generate(checkpoint, bars=DEMO_BARS, seed=seed + k) for k in range(1, DEMO_SAMPLES)]
        files += _write_all(song, out / name, f"{name} on {corpus}, seed {seed}")
        metrics = corpus_metrics(samples, registers, training=data.train)
        table.append(_row(name, metrics, generation_seconds=round(seconds, 3)) | _headline(path, table[0]))

    piece = data.test[seed % len(data.test)]
    excerpt = piece.crop(0, DEMO_BARS * piece.ticks_per_bar)
    excerpt.title = piece.title
    representations = []
    (out / "representations").mkdir(exist_ok=True)
    for name, version in representation_versions(excerpt).items():
        files += [f"representations/{f}" for f in _write_all(version, out / "representations" / name,
                                                               f"{piece.title}: {name}")]
        representations.append({"version": name} | _kept(excerpt, version))

    summary = {
        "command": f"python -m companion demo --out {out} --corpus {corpus} --seed {seed}",
        "corpus": {k: v for k, v in data.summary().items() if k != "track_names"},
        "bars": DEMO_BARS,
        "samples_per_model": DEMO_SAMPLES,
        "table": table,
        "missing_checkpoints": missing,
        "piece": piece.title,
        "representations": representations,
        "audio_renderer": "fluidsynth" if fluidsynth_available() else "numpy",
        "files": files,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def format_table(rows: list[dict], columns: tuple[str, ...] = TABLE_COLUMNS) -> str:
    """The rows as an aligned text table (None shows as '-')."""
    width = max(len(r["model"]) for r in rows) + 2
    heads = [c.replace("_mean", "").replace("register_adherence", "register").replace("chord_tone_rate", "chord-tone")
             for c in columns]
    widths = [max(11, len(h) + 2) for h in heads]
    lines = ["".join([f"{'model':<{width}}"] + [f"{h:>{w}}" for h, w in zip(heads, widths)])]
    for row in rows:
        cells = [f"{'-' if row.get(c) is None else row[c]:>{w}}" for c, w in zip(columns, widths)]
        lines.append(f"{row['model']:<{width}}" + "".join(cells))
    return "\n".join(lines)
