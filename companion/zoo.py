"""The model zoo: model name -> (pipeline, corpora, lesson, shipped checkpoint).

This is the one place that pairs a model with its codec, network and trainer, so the CLI, the widgets
and lesson 06 never repeat the pairing. Each *pipeline* module (``companion.pipelines.*``) holds a
family's pairing and exposes three functions with the same signatures::

    train(model, corpus, *, steps, seed, out, resume, device) -> checkpoint dict (saved to ``out``)
    generate(checkpoint, *, bars, seed, temperature, device) -> Song
    evaluate(checkpoint, corpus, *, split, seed, device) -> dict of plain numbers

``device`` is ``"auto"``, ``"cpu"`` (the default: the shipped figures and byte-identical outputs),
``"cuda"`` or ``"mps"`` (:func:`companion.device.resolve_device`).

Shipped checkpoints live in ``companion/checkpoints/<model>-<corpus>.pt`` with a manifest
``<model>-<corpus>.json`` beside each; ``"gpt-chords:jsb"`` names one on the command line.

Used by the CLI and notebooks 02-06.
"""

from __future__ import annotations

import importlib
import math
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
            ("jsb", "nottingham", "musedata", "pianomidi", "bach", "jazz"),
            "04_gpt_chords",
            "decoder-only transformer on pitch-set tokens of a roll",
        ),
        ModelEntry(
            "gpt-events",
            "companion.pipelines.gpt",
            ("jsb", "nottingham", "musedata", "pianomidi", "bach", "jazz"),
            "05_event_tokens",
            "the same transformer on chord- and octave-aware event tokens",
        ),
    )
}


FAMILY_CHECKPOINTS: dict[str, tuple[dict[str, tuple[str, ...]], str]] = {
    "companion.pipelines.musegan": (
        {"config": ("model",), "codec": ("steps_per_beat", "bpm", "lowest_pitch", "resolution", "tracks")},
        "load_generator",
    ),
    "companion.pipelines.imagegan": (
        {
            "config": ("model",),
            "codec": ("shape", "bpm", "layout", "program", "resolution", "seconds_per_step", "threshold"),
        },
        "load_generator",
    ),
    "companion.pipelines.gpt": ({"config": ("gpt",), "codec": ()}, "load_model"),
}
"""Per pipeline: the ``config`` and ``codec`` keys its checkpoints must hold, and the function that
builds the network from one (run by :func:`load`, so weights of another family fail there, naming
the file, instead of deep inside generation)."""

TEMPERATURES = (0.05, 10.0)
"""The sampling temperatures :func:`generate` accepts (inclusive): below, sampling is argmax in all
but name and slow; above, it is noise."""


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
    if not isinstance(checkpoint["model"], str) or checkpoint["model"] not in MODELS:
        raise CheckpointError(f"{path}: unknown model {checkpoint['model']!r}")
    _check_family(path, checkpoint)
    return checkpoint


def _check_family(path: Path, checkpoint: dict[str, Any]) -> None:
    """Raise CheckpointError unless ``checkpoint`` holds what its model's pipeline reads."""
    name = checkpoint["model"]
    sections, builder = FAMILY_CHECKPOINTS[entry(name).pipeline]
    for section, keys in sections.items():
        held = checkpoint.get(section)
        missing = [k for k in keys if k not in held] if isinstance(held, dict) else [f"{section} (not a dict)"]
        if missing:
            raise CheckpointError(f"{path}: not a checkpoint of {name} ({section} lacks {', '.join(missing)})")
    try:
        getattr(pipeline(name), builder)(checkpoint)
    except (CompanionError, KeyError, TypeError, ValueError, RuntimeError, AttributeError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise CheckpointError(f"{path}: its weights do not fit a {name} network ({reason})") from None


def train(
    name: str,
    corpus: Corpus,
    *,
    steps: int | None = None,
    seed: int = 0,
    out: Path | None = None,
    resume: bool = False,
    max_seconds: float | None = None,
    max_cpu_seconds: float | None = None,
    checkpoint_every: int | None = None,
    device: str | None = "cpu",
) -> dict[str, Any]:
    """Train ``name`` on ``corpus`` through its pipeline (for ``steps``, or until ``max_seconds`` of
    wall time or ``max_cpu_seconds`` of CPU time -- the GPT pipeline's recipes set one); returns the
    checkpoint dict. ``checkpoint_every`` saves to ``out`` every this many steps (None: the
    pipeline's own interval). ``device`` says where it trains (recorded as ``train["device"]``; the
    checkpoint holds CPU tensors whatever it is, and ``max_cpu_seconds`` stays CPU time)."""
    from .device import resolve_device

    device = resolve_device(device)
    model = entry(name)
    if corpus.name not in model.corpora and corpus.name != "folder":
        raise ModelError(f"{name} trains on {', '.join(model.corpora)} (or a folder), not {corpus.name}")
    if checkpoint_every is not None and checkpoint_every < 1:
        raise ModelError(f"checkpoint interval {checkpoint_every}: choose 1 step or more")
    options: dict[str, Any] = {"max_seconds": max_seconds, "device": device}
    if checkpoint_every is not None:
        options["checkpoint_every"] = checkpoint_every
    if max_cpu_seconds is not None:
        if not name.startswith("gpt-"):
            raise ModelError(f"{name}: a CPU-time budget is only implemented for the GPT models so far")
        options["max_cpu_seconds"] = max_cpu_seconds
    return pipeline(name).train(name, corpus, steps=steps, seed=seed, out=out, resume=resume, **options)


def ship(path: str | Path, corpus: Corpus, *, command: str) -> Path:
    """Make the trained checkpoint at ``path`` a shipped one through its pipeline's ``ship``: no
    optimiser state, and a manifest beside it with ``command``, the metrics on ``corpus`` and the
    sha256. Returns the manifest's path."""
    model = load_checkpoint(path)["model"]
    return pipeline(model).ship(path, command, corpus)


def check_temperature(temperature: float) -> None:
    """Raise ModelError unless ``temperature`` is a finite number within :data:`TEMPERATURES`."""
    low, high = TEMPERATURES
    if not (math.isfinite(temperature) and low <= temperature <= high):
        raise ModelError(f"temperature {temperature}: choose a number from {low} to {high}")


def generate(
    checkpoint: dict[str, Any], *, bars: int = 8, seed: int = 0, temperature: float = 1.0, device: str | None = "cpu"
) -> Song:
    """Generate ``bars`` bars from a loaded checkpoint; the same seed gives the same song on the same
    device (on the CPU, the same MIDI bytes as ever; the seed's generator stays on the CPU anywhere).

    Raises:
        ModelError: ``temperature`` is not a finite number within :data:`TEMPERATURES`.
        DeviceError: an unknown or unavailable ``device``.
    """
    from .device import resolve_device

    check_temperature(temperature)
    device = resolve_device(device)
    return pipeline(checkpoint["model"]).generate(
        checkpoint, bars=bars, seed=seed, temperature=temperature, device=device
    )


def evaluate(
    checkpoint: dict[str, Any],
    corpus: Corpus,
    *,
    split: str = "test",
    seed: int = 0,
    excerpts: int = 0,
    device: str | None = "cpu",
) -> dict[str, Any]:
    """Metrics of a checkpoint on ``corpus``'s ``split`` (likelihoods where defined, shared metrics).

    With ``excerpts`` > 0 the result also holds ``yardstick``: :func:`companion.yardstick.for_checkpoint`
    on that many generated 8-bar excerpts (the model's NLL passed through), the one measurement every
    architecture shares, with its noise floor, baselines and intervals (those excerpts are generated
    on the CPU). The model's own likelihoods and samples are computed on ``device``."""
    from .device import resolve_device

    device = resolve_device(device)
    result = pipeline(checkpoint["model"]).evaluate(checkpoint, corpus, split=split, seed=seed, device=device)
    if excerpts > 0:
        from .yardstick import for_checkpoint

        nll = {k: v for k, v in result.items() if k.startswith("nll")} or None
        result["yardstick"] = for_checkpoint(checkpoint, corpus, split=split, excerpts=excerpts, seed=seed, nll=nll)
    return result
