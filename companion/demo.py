"""The main job, ``python -m companion demo``: one real piece through the course's representations,
written as MIDI, WAV and PNG, with a table of what each representation kept.

Versions of the piece (the first 8 bars of a test-split piece of the corpus):

* ``original`` -- the piece as loaded;
* ``roll-12-binary`` -- a binary piano roll at 12 steps per beat (MuseGAN's grid), decoded from the
  on/off cells alone, as a model's output would be: repeated notes merge;
* ``roll-16th-binary`` -- the same at 4 steps per beat (the seed's GPT grid): triplets move too;
* ``pitch-class-only`` -- every note folded into one octave (C4..B4): what a model blind to octaves
  would give back.

Later lessons add every trained architecture to the same table. Used by the README's first command
and by notebook 00_tour.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tqdm.auto import tqdm

from .audio import fluidsynth_available, write_wav
from .codecs import pianoroll
from .data import load_corpus
from .midi import write_midi
from .plot import save_png
from .song import Song

DEMO_BARS = 8


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


def run_demo(out: Path, corpus: str = "bach", seed: int = 0) -> dict:
    """Write the demo files into ``out`` and return (and save) ``summary.json``'s content."""
    out.mkdir(parents=True, exist_ok=True)
    data = load_corpus(corpus, seed=seed)
    piece = data.test[seed % len(data.test)]
    song = piece.crop(0, DEMO_BARS * piece.ticks_per_bar)
    song.title = piece.title
    files, table = [], []
    for name, version in tqdm(representation_versions(song).items(), desc="demo", unit="version"):
        stem = out / name
        write_midi(version, stem.with_suffix(".mid"))
        write_wav(version, stem.with_suffix(".wav"))
        save_png(version, stem.with_suffix(".png"), title=f"{piece.title}: {name}")
        files += [f"{name}.mid", f"{name}.wav", f"{name}.png"]
        table.append({"version": name} | _kept(song, version))
    summary = {
        "command": f"python -m companion demo --out {out} --corpus {corpus} --seed {seed}",
        "corpus": data.summary() | {"track_names": None},
        "piece": piece.title,
        "bars": DEMO_BARS,
        "audio_renderer": "fluidsynth" if fluidsynth_available() else "numpy",
        "table": table,
        "files": files,
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary
