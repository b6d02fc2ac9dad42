"""The model zoo: model name -> (pipeline, corpora, lesson, shipped checkpoint).

This is the one place that pairs a model with its codec, network and trainer, so the CLI, the widgets
and lesson 06 never repeat the pairing. Each *pipeline* module (``companion.pipelines.*``) holds a
family's pairing and exposes three functions with the same signatures::

    train(model, corpus, *, steps, seed, out, resume) -> checkpoint dict (saved to ``out``)
    generate(checkpoint, *, bars, seed, temperature) -> Song
    evaluate(checkpoint, corpus, *, split, seed) -> dict of plain numbers

Shipped checkpoints live in ``companion/checkpoints/<model>-<corpus>.pt`` with a manifest
``<model>-<corpus>.json`` beside each; ``"gpt-chords:jsb"`` names one on the command line.

Used by the CLI and notebooks 02-06.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .checkpoint import CheckpointError, load_checkpoint
from .data import Corpus
from .errors import CompanionError
from .song import Song

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


@dataclass(frozen=True)
class ModelEntry:
    """A model of the course: its pipeline module, the corpora it trains on and its lesson."""

    name: str
    pipeline: str
    corpora: tuple[str, ...]
    lesson: str
    summary: str


MODELS: dict[str, ModelEntry] = {
    entry.name: entry
    for entry in (
        ModelEntry(
            "musegan-jamming",
            "companion.pipelines.musegan",
            ("bach", "jazz"),
            "02_musegan",
            "one generator and one critic per track, private latents",
        ),
        ModelEntry(
            "musegan-composer",
            "companion.pipelines.musegan",
            ("bach", "jazz"),
            "02_musegan",
            "one generator from a shared latent, one critic over all tracks",
        ),
        ModelEntry(
            "musegan-hybrid",
            "companion.pipelines.musegan",
            ("bach", "jazz"),
            "02_musegan",
            "one generator per track fed shared + private latents, one critic",
        ),
        ModelEntry(
            "image-gan",
            "companion.pipelines.imagegan",
            ("bach", "jazz"),
            "03_image_gan",
            "DCGAN on MIDI drawn as a 96x64 RGB image, 0.05 s per sub-pixel",
        ),
        ModelEntry(
            "gpt-chords",
            "companion.pipelines.gpt",
            ("jsb", "bach", "jazz"),
            "04_gpt_chords",
            "decoder-only transformer on pitch-set tokens of a roll",
        ),
        ModelEntry(
            "gpt-events",
            "companion.pipelines.gpt",
            ("jsb", "bach", "jazz"),
            "05_event_tokens",
            "the same transformer on chord- and octave-aware event tokens",
        ),
    )
}


class ModelError(CompanionError):
    """An unknown model name, a corpus the model does not take, or a missing shipped checkpoint."""


def entry(name: str) -> ModelEntry:
    if name not in MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]


def pipeline(name: str) -> ModuleType:
    """The pipeline module of a model (imported on first use)."""
    return importlib.import_module(entry(name).pipeline)


def shipped_path(name: str, corpus: str) -> Path:
    return CHECKPOINT_DIR / f"{name}-{corpus}.pt"


def shipped_checkpoints() -> dict[str, Path]:
    """``"model:corpus"`` -> path, for every shipped checkpoint present in this install."""
    return {f"{m}:{c}": shipped_path(m, c) for m, e in MODELS.items() for c in e.corpora if shipped_path(m, c).exists()}


def resolve(spec: str | Path) -> Path:
    """A checkpoint path from a path or a ``model:corpus`` name of a shipped checkpoint."""
    text = str(spec)
    if ":" in text and not Path(text).exists():
        name, corpus = text.split(":", 1)
        path = shipped_path(entry(name).name, corpus)
        if not path.exists():
            raise ModelError(f"{text}: no shipped checkpoint (have: {', '.join(shipped_checkpoints()) or 'none'})")
        return path
    return Path(text)


def load(spec: str | Path) -> dict[str, Any]:
    """Load a checkpoint by path or ``model:corpus`` and check its model is known."""
    path = resolve(spec)
    checkpoint = load_checkpoint(path)
    if checkpoint["model"] not in MODELS:
        raise CheckpointError(f"{path}: unknown model {checkpoint['model']!r}")
    return checkpoint


def train(
    name: str,
    corpus: Corpus,
    *,
    steps: int | None = None,
    seed: int = 0,
    out: Path | None = None,
    resume: bool = False,
    max_seconds: float | None = None,
) -> dict[str, Any]:
    """Train ``name`` on ``corpus`` through its pipeline (for ``steps``, or until ``max_seconds`` of
    wall time); returns the checkpoint dict."""
    model = entry(name)
    if corpus.name not in model.corpora and corpus.name != "folder":
        raise ModelError(f"{name} trains on {', '.join(model.corpora)} (or a folder), not {corpus.name}")
    return pipeline(name).train(name, corpus, steps=steps, seed=seed, out=out, resume=resume, max_seconds=max_seconds)


def ship(path: str | Path, corpus: Corpus, *, command: str) -> Path:
    """Make the trained checkpoint at ``path`` a shipped one through its pipeline's ``ship``: no
    optimiser state, and a manifest beside it with ``command``, the metrics on ``corpus`` and the
    sha256. Returns the manifest's path."""
    model = load_checkpoint(path)["model"]
    return pipeline(model).ship(path, command, corpus)


def generate(checkpoint: dict[str, Any], *, bars: int = 8, seed: int = 0, temperature: float = 1.0) -> Song:
    """Generate ``bars`` bars from a loaded checkpoint; the same seed gives the same song."""
    return pipeline(checkpoint["model"]).generate(checkpoint, bars=bars, seed=seed, temperature=temperature)


def evaluate(
    checkpoint: dict[str, Any], corpus: Corpus, *, split: str = "test", seed: int = 0, excerpts: int = 0
) -> dict[str, Any]:
    """Metrics of a checkpoint on ``corpus``'s ``split`` (likelihoods where defined, shared metrics).

    With ``excerpts`` > 0 the result also holds ``yardstick``: :func:`companion.yardstick.for_checkpoint`
    on that many generated 8-bar excerpts (the model's NLL passed through), the one measurement every
    architecture shares, with its noise floor, baselines and intervals."""
    result = pipeline(checkpoint["model"]).evaluate(checkpoint, corpus, split=split, seed=seed)
    if excerpts > 0:
        from .yardstick import for_checkpoint

        nll = {k: v for k, v in result.items() if k.startswith("nll")} or None
        result["yardstick"] = for_checkpoint(checkpoint, corpus, split=split, excerpts=excerpts, seed=seed, nll=nll)
    return result
