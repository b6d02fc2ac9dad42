"""The yardstick of a trained checkpoint: the one helper every architecture's ``evaluate`` goes through.

:func:`for_checkpoint` generates ``excerpts`` songs of ``bars`` bars from any checkpoint of the zoo
(its family's sampler, :func:`companion.family.sample`), and measures them with
:func:`companion.yardstick.measure` against the corpus's training split, with the evaluated split
as the noise floor. ``python -m companion evaluate`` puts its result under the ``yardstick`` key
(:func:`companion.zoo.evaluate`, ``--excerpts N``, 0 to skip).

Used by notebooks 02-06 and the CLI.
"""

from __future__ import annotations

from typing import Any

from ..data import Corpus, registers_for
from ..metrics import QN_MIN_STEPS
from ..song import Song
from ..theory import STEPS_PER_BEAT
from .core import measure


def guaranteed_for(checkpoint: dict[str, Any]) -> list[str]:
    """Figures the checkpoint's representation fixes whatever the network learns: ``QN`` when its
    time grid is 4 steps per beat or coarser (every note lasts at least a 16th = 3 of the metric's 12
    steps, so QN is 100 % by construction: gpt-chords)."""
    codec = checkpoint.get("codec")
    steps = codec.get("steps_per_beat") if isinstance(codec, dict) else None
    out = []
    if steps and STEPS_PER_BEAT // int(steps) >= QN_MIN_STEPS:
        out.append("QN")
    return out


def generate_excerpts(model: Any, n: int, *, bars: int = 8, seed: int = 0) -> list[Song]:
    """``n`` generated songs of ``bars`` bars, seeded, from a loaded model or a checkpoint dict: its
    family's sampler (:func:`companion.family.sample`, the same for every architecture)."""
    from .. import family, zoo

    return family.sample(zoo.loaded(model), n, bars=bars, seed=seed)


def for_checkpoint(
    checkpoint: dict[str, Any],
    corpus: Corpus,
    *,
    split: str = "test",
    excerpts: int = 100,
    bars: int = 8,
    seed: int = 0,
    nll: Any = None,
    **options: Any,
) -> dict:
    """The yardstick of ``checkpoint`` on ``corpus``: :func:`companion.yardstick.measure` of
    ``excerpts`` generated ``bars``-bar songs, reference = training split, floor = ``split``; ``nll``
    passed through; ``options`` go to ``measure``. Adds ``model`` and ``generate_s``."""
    import time

    started = time.process_time()
    generated = generate_excerpts(checkpoint, excerpts, bars=bars, seed=seed)
    generate_s = time.process_time() - started
    result = measure(corpus.train, corpus.splits[split], generated, bars=bars, excerpts=excerpts, seed=seed,
                     nll=nll, registers=registers_for(corpus.name), guaranteed=guaranteed_for(checkpoint),
                     **options)  # fmt: skip
    result["model"] = checkpoint["model"]
    result["cost"]["generate_s"] = round(generate_s, 2)
    return result
