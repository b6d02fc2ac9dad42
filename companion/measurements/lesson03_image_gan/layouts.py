"""RGB packing against the plain layout, on the same budget: the same DCGAN recipe, corpus, seed,
batches and number of generator steps, once on 3 x 96 x 64 RGB-packed images and once on
1 x 96 x 192 plain ones. Records parameters, wall and CPU time (the packing is sold as a speed-up),
the generated clips' shared metrics, blur and note-start channels, and how much the critic's score
moves when the same real clips start 1, 2 or 3 steps later (:func:`companion.measurements.lesson03_image_gan.common.
shift_sensitivity`): a plain convolution sees a 1-step shift as a 1-pixel shift, a packed one sees
every sub-pixel change colour.

On the Bach chorales (at their 100 bpm a 16th note is exactly one RGB pixel, so the packing lines
up with the music's grid) and on the jazz corpus (120-220 bpm: notes start anywhere in a pixel).
Regenerate ``results/imagegan_layouts.json`` (Bach) and ``results/imagegan_layouts_jazz.json`` with::

    python -m companion.measurements.lesson03_image_gan.layouts                  # 2 x 400 steps, about 10 CPU-minutes
    python -m companion.measurements.lesson03_image_gan.layouts --corpus jazz    # the same on jazz
    python -m companion.measurements.lesson03_image_gan.layouts --fast           # 2 x 10 steps: a smoke test

Used by notebook 03_image_gan ("RGB packing").
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from ...data import load_corpus
from .. import provenance
from . import common

NAME = "imagegan_layouts"
STEPS = 400


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="10 steps per layout (a smoke test)")
    parser.add_argument("--corpus", default="bach", choices=("bach", "jazz"))
    parser.add_argument("--out", help="the JSON to write (default: results/imagegan_layouts[_jazz].json)")
    args = parser.parse_args(argv)
    suffix = "" if args.corpus == "bach" else f"_{args.corpus}"
    options = [] if args.corpus == "bach" else ["--corpus", args.corpus]  # what the command line adds
    out = args.out or str(common.RESULTS / f"{NAME}{suffix}.json")
    torch.set_num_threads(1)
    steps = 10 if args.fast else STEPS
    started = time.perf_counter()
    corpus = load_corpus(args.corpus)
    runs = {}
    for layout in ("rgb", "plain"):
        runs[layout] = common.run(corpus, steps=steps, layout=layout, samples=32 if args.fast else common.SAMPLES)
        print(json.dumps({layout: runs[layout]["generated"]}), flush=True)
    descriptions = {
        "bach": "bach (music21 chorales at their 100 bpm; test split cut into 9.6 s clips)",
        "jazz": "jazz (procedural, 120-220 bpm, drums drawn in; test split cut into 9.6 s clips)",
    }
    result = {
        **provenance(NAME, fast=args.fast, started=started, options=options),
        "corpus": descriptions[args.corpus],
        "budget": {"steps": steps, "batch_size": 16, "loss": "wgan-gp", "seed": 0},
        "runs": runs,
    }
    common.write(result, out)


if __name__ == "__main__":
    main()
