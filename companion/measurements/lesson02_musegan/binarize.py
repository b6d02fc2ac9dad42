"""Note fragmentation and binarisation: what makes ``musegan-hybrid``'s notes fall apart, measured.

Four trainings of the hybrid on jazz, same steps, seed and batches, differing in two switches:

* ``binarize``: ``"hard"`` -- the paper: the critic judges the generator's probabilities and the
  roll is thresholded at 0.5 only afterwards -- or ``"straight-through"`` -- BinaryMuseGAN's fix:
  the generator thresholds during training too (gradients pass straight through), so the critic
  judges the binary roll the listener hears;
* ``repeat_init``: the time-upsampling layers of the bar generator start as repeats of their input
  (so an untrained generator holds notes for whole beats) or with independent random weights per
  step (the usual initialisation).

Each model is then read three ways from the same latents -- the plain 0.5 threshold, the hysteresis
rule of the shipped checkpoints (on above 0.5, held above 0.4) and Bernoulli sampling -- and measured
on 1,000 bars: QN (the share of notes at least 3 steps = a 16th long), the histogram of note lengths
in steps, notes per bar, UPC, EB and the chord-tone rate, next to the real test split. The
``hard`` setting is the shipped ``musegan-hybrid-jazz`` recipe: when that checkpoint is
present and matches (steps, seed, settings), it is measured instead of trained again.

Regenerate ``results/musegan_binarize.json`` with::

    python -m companion.measurements.lesson02_musegan.binarize          # 3 trainings (+ the shipped one), ~15 CPU-min
    python -m companion.measurements.lesson02_musegan.binarize --fast   # 10 steps each (a smoke test)

Used by notebook 02_musegan (fragmentation under hard threshold vs straight-through).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

import torch

from ... import recipes, zoo
from ...codecs.phrases import BARS
from ...data import load_corpus
from ...song import Song
from ...theory import STEPS_PER_BEAT
from .. import RESULTS, provenance, write_result

NAME = "musegan_binarize"
MODEL = "musegan-hybrid"
RECIPE = recipes.recipe(MODEL, "jazz")
STEPS = RECIPE["steps"]
EVAL_BARS = 1000
SETTINGS: dict[str, dict] = {
    "hard, random init": {"binarize": "hard", "repeat_init": False},
    "hard": {"binarize": "hard", "repeat_init": True},
    "straight-through, random init": {"binarize": "straight-through", "repeat_init": False},
    "straight-through": {"binarize": "straight-through", "repeat_init": True},
}
"""Setting name -> MuseGANConfig overrides. ``hard`` is the shipped checkpoints' recipe."""
MAX_LENGTH = 24
"""Note lengths (in steps) of the histogram; longer notes are counted in the last bin."""


def note_lengths(songs: list[Song]) -> dict[int, int]:
    """Histogram of pitched note lengths in steps of 1/12 beat (``MAX_LENGTH`` = that or longer)."""
    counts: Counter[int] = Counter()
    for song in songs:
        step = song.resolution // STEPS_PER_BEAT
        for track in song.tracks:
            if not track.is_drum:
                counts.update(min(max(round(n.duration / step), 1), MAX_LENGTH) for n in track.notes)
    return {k: counts.get(k, 0) for k in range(1, MAX_LENGTH + 1)}


def measure(songs: list[Song], bars: int) -> dict:
    from ... import metrics

    row = metrics.corpus_metrics(songs, registers=None)
    return {
        "QN_mean": row["QN_mean"],
        "QN": row["QN"],
        "UPC_mean": row["UPC_mean"],
        "EB_mean": row["EB_mean"],
        "chord_tone_rate": row["chord_tone_rate"],
        "pitched_notes_per_bar": round(sum(note_lengths(songs).values()) / bars, 2),
        "lengths": note_lengths(songs),
    }


def shipped_if_same(config: dict, steps: int, seed: int) -> dict | None:
    """The shipped ``musegan-hybrid-jazz`` checkpoint when it was trained with exactly this recipe
    (then training again would only reproduce it), else None."""
    from ...zoo import load, shipped_path

    path = shipped_path(MODEL, "jazz")
    if not path.exists():
        return None
    checkpoint = load(path)
    model = checkpoint["config"]["model"]
    same = all(model.get(k) == v for k, v in config.items()) and checkpoint["train"].get("max_bars") is None
    same = same and checkpoint["train"]["steps"] == steps and checkpoint["train"]["seed"] == seed
    return checkpoint if same else None


def run_setting(
    name: str, corpus, *, steps: int = STEPS, seed: int = 0, eval_bars: int = EVAL_BARS, out: str | Path | None = None
) -> dict:
    """Train one setting (or reuse the shipped checkpoint if it is this recipe) and measure it under
    the plain threshold, the hysteresis rule and Bernoulli sampling."""
    checkpoint = shipped_if_same(SETTINGS[name], steps, seed)
    reused = checkpoint is not None
    if checkpoint is None:
        checkpoint = zoo.train(MODEL, corpus, steps=steps, seed=seed, out=out, resume=out is not None,
                               overrides={"config": SETTINGS[name]}, show_progress=False)  # fmt: skip
    loaded = zoo.loaded(checkpoint)
    result = {
        "setting": name,
        **SETTINGS[name],
        "steps": checkpoint["train"]["steps"],
        "wall_seconds": checkpoint["train"]["wall_seconds"],
        "checkpoint": f"shipped {MODEL}-jazz" if reused else "trained here",
    }
    for sampling in ("hard", "hysteresis", "bernoulli"):
        songs = loaded.family.phrases(loaded, eval_bars // BARS, seed=seed, sampling=sampling)
        result[sampling] = measure(songs, eval_bars)
    return result


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="10 steps per setting, 200 bars (a smoke test)")
    parser.add_argument("--out", help=f"the JSON (default results/{NAME}.json; --fast: in the temp dir)")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / NAME), help="checkpoints, for resuming")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    steps, eval_bars = (10, 200) if args.fast else (STEPS, EVAL_BARS)
    work = Path(args.work) / ("fast" if args.fast else "full")
    out = Path(args.out) if args.out else (work / f"{NAME}.json" if args.fast else RESULTS / f"{NAME}.json")
    corpus = load_corpus("jazz")
    started = time.perf_counter()
    real = zoo.family(MODEL).real_phrases(corpus.test)
    runs = []
    for name in SETTINGS:
        slug = name.replace(", ", "-").replace(" ", "-")
        runs.append(run_setting(name, corpus, steps=steps, eval_bars=eval_bars, out=work / f"{slug}.pt"))
        qn = {f"QN {k}": runs[-1][k]["QN_mean"] for k in ("hard", "hysteresis", "bernoulli")}
        print(json.dumps({"setting": name, **qn}), flush=True)
    result = {
        **provenance(NAME, fast=args.fast, started=started),
        "model": MODEL,
        "corpus": "jazz (3,000 bars; train split)",
        "budget": {"steps": steps, "batch_size": RECIPE["batch_size"], "seed": 0},
        "generated_bars": eval_bars,
        "qn_min_steps": 3,
        "real": measure(real, len(real) * BARS),
        "runs": runs,
    }
    return write_result(out, result)


if __name__ == "__main__":
    main()
