"""What the image-GAN experiments share: one training run measured the same way, the critic's
:func:`shift_sensitivity`, and the JSON writer that leaves the run's private keys (``_checkpoint``)
out of every ``results/imagegan_*.json``.

Used by ``companion.measurements.lesson03_image_gan.layouts``, ``imagegan_collapse`` and ``imagegan_drums``
(notebook 03_image_gan plots their JSON).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from ... import metrics, zoo
from ...codecs import image
from ...codecs.image_codec import ImageCodec
from ...data import Corpus
from ...family import Loaded
from ...metrics.images import THRESHOLD, direction_stats, pixel_stats
from .. import RESULTS as RESULTS  # re-exported: notebook 03 reads results/ from here
from .. import write_result

MODEL = "image-gan"
SAMPLES = 128
"""Generated clips measured per trained model."""


def clip_row(codec: ImageCodec, images: np.ndarray, *, threshold: float | None = None) -> dict[str, Any]:
    """The shared metrics and the picture's own numbers of some images (generated or real),
    decoded by ``codec`` (a checkpoint's, at its tempo): notes per clip, QN, UPC, EB, recognised
    chord-tone rate, diversity, blur (share of pixels in 0.2-0.8), direction statistics and the share
    of note starts on each RGB channel (step mod 3)."""
    songs = [codec.decode(x, threshold=threshold) for x in images]
    row = metrics.corpus_metrics(songs)
    onset_phase = np.zeros(3)
    for x in images:
        roll = image.unpack(np.asarray(x, dtype=np.float32)) > THRESHOLD
        starts = roll & ~np.concatenate([np.zeros((roll.shape[0], 1), bool), roll[:, :-1]], axis=1)
        steps = np.nonzero(starts)[1]
        onset_phase += np.bincount(steps % 3, minlength=3)
    return {
        "clips": len(songs),
        "notes_per_clip": round(sum(s.num_notes for s in songs) / max(len(songs), 1), 2),
        "QN": row["QN_mean"],
        "UPC": row["UPC_mean"],
        "EB": row["EB_mean"],
        "chord_tone_rate": row["chord_tone_rate"],
        "diversity": row["diversity"],
        "pixels": _rounded(pixel_stats(images)),
        "direction": _rounded(direction_stats(images)),
        "onset_channel_share": [round(float(v), 4) for v in onset_phase / max(onset_phase.sum(), 1)],
    }


def real_images(corpus: Corpus, layout: str = "rgb", drums: bool = True, split: str = "test") -> np.ndarray:
    """The ``split`` cut into consecutive 9.6 s clips in a ``layout``, drums drawn in or not."""
    return ImageCodec(layout).clips(list(corpus.splits[split]), drums=drums)


def shift_sensitivity(loaded: Loaded, images: np.ndarray, shifts: tuple[int, ...] = (1, 2, 3)) -> dict[str, float]:
    """How much the critic's score moves when the same clips start ``k`` steps later, in units of the
    spread of its scores over the clips: mean |D(shift_k(x)) - D(x)| / std D(x). A plain-layout
    convolution sees a 1-step shift as a 1-pixel shift; an RGB one sees every sub-pixel change
    channel, and only a 3-step shift moves the picture by one whole pixel."""
    critic = loaded.family.critic_scores
    base = critic(loaded, images)
    spread = float(base.std()) or 1.0
    moved = {k: critic(loaded, image.shift(images, k)) for k in shifts}
    return {str(k): float(np.abs(scores - base).mean() / spread) for k, scores in moved.items()}


def run(corpus: Corpus, *, steps: int, seed: int = 0, samples: int = SAMPLES, **options: Any) -> dict[str, Any]:
    """Train one image GAN on ``corpus`` with ``options`` (layout, loss, drums, snapshot_every ...),
    then measure ``samples`` generated clips against the real test clips.

    Returns:
        The settings, parameters, wall and CPU seconds, per-step loss history, ``generated`` and
        ``real`` rows (:func:`clip_row`), the critic's mean score of real clips forwards, backwards,
        "softened" (pixels 0.05/0.95 instead of 0/1: the same notes) and of generated clips, its
        shift sensitivity, and the checkpoint itself under ``"_checkpoint"`` for the caller (not
        written to JSON). ``options`` are the recipe's overrides (:mod:`companion.pipelines.imagegan`,
        trained through :func:`companion.zoo.train`);
        the run keeps torch's thread setting (the experiments set one thread).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    checkpoint = zoo.train(MODEL, corpus, steps=steps, seed=seed, show_progress=False, overrides=options)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    loaded = zoo.loaded(checkpoint)
    critic = loaded.family.critic_scores
    fake = loaded.family.images(loaded, samples, seed=seed + 100)
    real = real_images(corpus, checkpoint["config"]["layout"], checkpoint["config"]["drums"])
    scores = critic(loaded, real)
    history = checkpoint["train"]["history"]
    return {
        "corpus": corpus.name,
        "layout": checkpoint["config"]["layout"],
        "loss": checkpoint["config"]["gan"]["loss"],
        "drums": checkpoint["config"]["drums"],
        "steps": checkpoint["train"]["steps"],
        "train_clips": checkpoint["train"]["train_clips"],
        "parameters": checkpoint["train"]["parameters"],
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "history": {k: [round(v, 4) for v in history[k]] for k in ("d_loss", "g_loss", "wasserstein")},
        "generated": clip_row(loaded.codec, fake),
        "real": clip_row(loaded.codec, real),
        "critic": {
            "real": round(float(scores.mean()), 4),
            "real_reversed": round(float(critic(loaded, image.reverse(real)).mean()), 4),
            # the same real clips with pixels of 0.05 and 0.95 instead of 0 and 1: the same notes once decoded
            "real_softened": round(float(critic(loaded, 0.05 + 0.9 * real.astype("float32")).mean()), 4),
            "generated": round(float(critic(loaded, fake).mean()), 4),
            "real_std": round(float(scores.std()), 4),
            "shift_sensitivity": _rounded(shift_sensitivity(loaded, real)),
        },
        "_checkpoint": checkpoint,
    }


def snapshot_rows(checkpoint: dict[str, Any]) -> list[dict[str, Any]]:
    """For each training snapshot (the same latents every time): step, notes per clip, diversity
    and blur of the generated clips."""
    rows = []
    codec = ImageCodec.from_dict(checkpoint["codec"])
    for step, sample in checkpoint["train"].get("snapshots", []):
        images = sample.float().numpy()
        songs = [codec.decode(x) for x in images]
        rows.append({
            "step": int(step),
            "diversity": round(metrics.diversity(songs), 4),
            "notes_per_clip": round(sum(s.num_notes for s in songs) / len(songs), 2),
            "ambiguous_share": round(pixel_stats(images)["ambiguous_share"], 4),
        })  # fmt: skip
    return rows


def write(result: dict[str, Any], out: str | Path) -> Path:
    """Write ``result`` with :func:`companion.measurements.write_result`, keys starting with ``_`` left out."""
    return write_result(out, _public(result))


def _public(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _public(v) for k, v in tree.items() if not str(k).startswith("_")}
    if isinstance(tree, list):
        return [_public(v) for v in tree]
    return tree


def _rounded(tree: dict) -> dict:
    out = {}
    for key, value in tree.items():
        out[key] = _rounded(value) if isinstance(value, dict) else None if value != value else round(float(value), 4)
    return out
