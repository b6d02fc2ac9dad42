"""Overshooting and mode collapse: the image GAN on Bach trained with the original GAN loss (DCGAN's
recipe: one discriminator update per generator update, Adam 2e-4) and, for contrast, with WGAN-GP,
for the same number of generator steps. Records both networks' losses at every step and, every
``SNAPSHOT_EVERY`` steps, the diversity of the clips generated from the same 64 latents (the shared
:func:`companion.metrics.diversity`), their notes per clip and blur, next to the diversity of 64
real test clips.

Regenerate ``results/imagegan_collapse.json`` with::

    python -m companion.measurements.lesson03_image_gan.collapse          # 800 + 800 steps, about 8 CPU-minutes
    python -m companion.measurements.lesson03_image_gan.collapse --fast   # 20 + 20 steps: a smoke test

Used by notebook 03_image_gan ("Overshooting and mode collapse").
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from ... import metrics
from ...codecs.image_codec import ImageCodec
from ...data import load_corpus
from ...recipes import recipe
from .. import provenance
from . import common

NAME = "imagegan_collapse"
STEPS = 800
SNAPSHOT_EVERY = 40
SNAPSHOTS = 64


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="20 steps per loss (a smoke test)")
    parser.add_argument("--out", default=str(common.RESULTS / f"{NAME}.json"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    steps, every = (20, 10) if args.fast else (STEPS, SNAPSHOT_EVERY)
    started = time.perf_counter()
    corpus = load_corpus("bach")
    runs = {}
    for loss in ("gan", "wgan-gp"):
        run = common.run(corpus, steps=steps, loss=loss, snapshot_every=every, snapshot_count=SNAPSHOTS,
                         samples=32 if args.fast else common.SAMPLES)  # fmt: skip
        run["snapshots"] = common.snapshot_rows(run.pop("_checkpoint"))
        runs[loss] = run
        print(json.dumps({loss: run["snapshots"][-1]}), flush=True)
    real = common.real_images(corpus, "rgb", drums=True)
    picks = np.random.default_rng(0).choice(len(real), size=min(SNAPSHOTS, len(real)), replace=False)
    settings = recipe("image-gan", "bach")
    codec = ImageCodec("rgb", **settings["codec"])
    real_songs = [codec.decode(real[i]) for i in sorted(picks)]
    result = {
        **provenance(NAME, fast=args.fast, started=started),
        "corpus": "bach (music21 chorales at their 100 bpm; test split cut into 9.6 s clips)",
        "budget": {
            "steps": steps,
            "batch_size": 16,
            "layout": "rgb",
            "seed": 0,
            "snapshot_every": every,
            "snapshot_latents": SNAPSHOTS,
        },  # fmt: skip
        "settings": {loss: settings["losses"][loss] for loss in runs},
        "real_diversity": round(metrics.diversity(real_songs), 4),
        "real_clips_for_diversity": len(real_songs),
        "runs": runs,
    }
    common.write(result, args.out)


if __name__ == "__main__":
    main()
