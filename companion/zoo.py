"""The model zoo: the one place that pairs a model name with its family, codec, recipe and shipped
checkpoint, so the CLI, the demo, the widgets, compare, the returns sweep and the lessons never repeat
the pairing or open a checkpoint file themselves.

A model's *family* (``companion.pipelines.<family>.FAMILY``, a :class:`companion.family.Family`)
holds what is its own -- network, codec, sampler -- and :mod:`companion.family` the rest::

    train(name, corpus, *, steps, max_cpu_seconds, seed, threads, resume, out, device) -> checkpoint dict
    load(spec, *, device) -> Loaded            # a path or "model:corpus"; the network built once
    provenance(spec) -> dict                   # its ``train`` record only, no network built
    generate(loaded, *, bars, seed, temperature) -> Song
    sample(loaded, count, *, bars, seed, temperature) -> list of Song
    evaluate(loaded, corpus, *, split, seed, excerpts) -> dict of plain numbers (one path for all)
    ship(path, corpus, *, command) -> manifest path

``threads`` (train, evaluate) runs the call on that many torch threads (restored afterwards) and caps
numpy's OpenBLAS pool at it, as the CLI's ``--threads`` does (:func:`companion.device.blas_threads`;
that cap is not restored: it holds for the rest of the process).

``device`` is ``"auto"``, ``"cpu"`` (the default: the shipped figures and byte-identical outputs),
``"cuda"`` or ``"mps"`` (:func:`companion.device.resolve_device`). Recipes are
``companion/recipes/<model>.json``.

Shipped checkpoints live in ``companion/checkpoints/<model>-<corpus>.pt`` with a manifest
``<model>-<corpus>.json`` beside each; ``"gpt-chords:jsb"`` names one on the command line.

Used by the CLI, the lesson measurements (:mod:`companion.measurements`) and notebooks 02-06.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import family as protocol
from .checkpoint import CheckpointError, load_checkpoint
from .data import Corpus
from .errors import CompanionError
from .family import Family, Loaded
from .song import Song

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


@dataclass(frozen=True)
class ModelEntry:
    """A model of the course: its family's module, the corpora it trains on and its lesson."""

    name: str
    pipeline: str
    """The module holding the family (its ``FAMILY``)."""
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


FAMILY_CHECKPOINTS: dict[str, dict[str, tuple[str, ...]]] = {
    "companion.pipelines.musegan": {
        "config": ("model",),
        "codec": ("steps_per_beat", "bpm", "lowest_pitch", "resolution", "tracks"),
    },
    "companion.pipelines.imagegan": {
        "config": ("model",),
        "codec": ("shape", "bpm", "layout", "program", "resolution", "seconds_per_step", "threshold"),
    },
    "companion.pipelines.gpt": {"config": ("gpt",), "codec": ()},
}
"""Per family module: the ``config`` and ``codec`` keys its checkpoints must hold (checked by
:func:`load` before the network is built, so weights of another family fail there, naming the file,
instead of deep inside generation)."""

TEMPERATURES = (0.05, 10.0)
"""The sampling temperatures :func:`generate` accepts (inclusive): below, sampling is argmax in all
but name and slow; above, it is noise."""


class ModelError(CompanionError):
    """An unknown model name, a corpus the model does not take, or a missing shipped checkpoint."""


def entry(name: str) -> ModelEntry:
    if name not in MODELS:
        raise ModelError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]


def family(name: str) -> Family:
    """The family of a model (its module imported on first use)."""
    return importlib.import_module(entry(name).pipeline).FAMILY


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


def provenance(spec: str | Path) -> dict[str, Any]:
    """The ``train`` record of a checkpoint (a path or ``model:corpus``) -- steps, CPU seconds, early
    stopping -- read without building its network (what :func:`load` gives as ``Loaded.provenance``).
    The returns sweep reads it to see where a run stopped (:func:`companion.returns.stopped_before`).

    Raises:
        CheckpointError: a missing, unsafe or foreign file.
        ModelError: an unknown ``model:corpus`` name.
    """
    return load_checkpoint(resolve(spec))["train"]


def load(spec: str | Path, *, device: str | None = "cpu") -> Loaded:
    """Load a checkpoint by path or ``model:corpus``: its model checked, its network built (once) on
    ``device``.

    Raises:
        CheckpointError: a missing, unsafe or foreign file, or weights that do not fit the model's network.
        ModelError: an unknown ``model:corpus`` name.
    """
    path = resolve(spec)
    checkpoint = load_checkpoint(path)
    if not isinstance(checkpoint["model"], str) or checkpoint["model"] not in MODELS:
        raise CheckpointError(f"{path}: unknown model {checkpoint['model']!r}")
    return _loaded(checkpoint, path=path, device=device)


def _loaded(checkpoint: dict[str, Any], *, path: Path | None = None, device: str | None = "cpu") -> Loaded:
    """A :class:`Loaded` of a checkpoint dict, or CheckpointError (naming ``path``) where it does not
    hold what its family reads."""
    from .device import resolve_device

    device = resolve_device(device)
    name = checkpoint["model"]
    where = path or "checkpoint"
    sections = FAMILY_CHECKPOINTS[entry(name).pipeline]
    for section, keys in sections.items():
        held = checkpoint.get(section)
        missing = [k for k in keys if k not in held] if isinstance(held, dict) else [f"{section} (not a dict)"]
        if missing:
            raise CheckpointError(f"{where}: not a checkpoint of {name} ({section} lacks {', '.join(missing)})")
    try:
        return protocol.load(family(name), checkpoint, path=path, device=device)
    except (CompanionError, KeyError, TypeError, ValueError, RuntimeError, AttributeError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise CheckpointError(f"{where}: its weights do not fit a {name} network ({reason})") from None


def loaded(model: Loaded | dict[str, Any], device: str | None = None) -> Loaded:
    """``model`` as a :class:`Loaded`: a checkpoint dict (what :func:`train` returns) is loaded, a
    Loaded is kept (or reloaded where ``device`` names another device)."""
    from .device import resolve_device

    if isinstance(model, Loaded):
        if device is None or resolve_device(device) == model.device:
            return model
        return _loaded(model.checkpoint, path=model.path, device=device)
    return _loaded(model, device=device or "cpu")


def _cap_blas(threads: int | None) -> None:
    """Cap numpy's OpenBLAS pools at ``threads`` (:func:`companion.device.blas_threads`), as the CLI's
    ``--threads`` does, where ``threads`` is given; a count below 1 is left to the family, which
    refuses it. Nothing is restored afterwards: the cap holds for the rest of the process (torch's
    threads, by contrast, are restored by :func:`companion.family.torch_threads`)."""
    if threads is not None and threads >= 1:
        from .device import blas_threads

        blas_threads(threads)


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
    threads: int | None = None,
    overrides: dict[str, Any] | None = None,
    command: str | None = None,
    show_progress: bool | None = None,
    device: str | None = "cpu",
    recipe: str | Path | None = "auto",
) -> dict[str, Any]:
    """Train ``name`` on ``corpus`` through its family (:func:`companion.family.train`): for ``steps``
    (default: the recipe's), or until ``max_seconds`` of wall time or ``max_cpu_seconds`` of CPU time,
    on ``threads`` torch threads (and numpy's OpenBLAS pool capped at ``threads``, not restored:
    :func:`_cap_blas`); returns the checkpoint dict. ``checkpoint_every`` saves to ``out``
    every this many steps (None: the family's interval). ``device`` says where it trains (recorded as
    ``train["device"]``; the checkpoint holds CPU tensors whatever it is, and ``max_cpu_seconds``
    stays CPU time). ``recipe`` picks the recipe file (:meth:`companion.family.Family.recipe`; for the
    GPTs ``None`` keeps ``recipes/<model>.json`` on the benchmarks, as the lesson-04/05 sweeps do)."""
    model = entry(name)
    if corpus.name not in model.corpora and corpus.name != "folder":
        raise ModelError(f"{name} trains on {', '.join(model.corpora)} (or a folder), not {corpus.name}")
    if checkpoint_every is not None and checkpoint_every < 1:
        raise ModelError(f"checkpoint interval {checkpoint_every}: choose 1 step or more")
    _cap_blas(threads)
    return protocol.train(family(name), name, corpus, steps=steps, max_seconds=max_seconds,
                          max_cpu_seconds=max_cpu_seconds, seed=seed, threads=threads, resume=resume, out=out,
                          device=device, overrides=overrides, command=command, show_progress=show_progress,
                          checkpoint_every=checkpoint_every, recipe=recipe)  # fmt: skip


def ship(path: str | Path, corpus: Corpus, *, command: str, excerpts: int = 100) -> Path:
    """Make the trained checkpoint at ``path`` a shipped one: no optimiser state, and a manifest beside
    it with ``command``, :func:`evaluate` on ``corpus``'s test split (with the yardstick on
    ``excerpts`` generated excerpts, 0 for none) and the sha256. Returns the manifest's path."""
    return protocol.ship(_loaded, path, corpus, command=command,
                         measure=lambda model: evaluate(model, corpus, split="test", excerpts=excerpts))  # fmt: skip


def check_temperature(temperature: float) -> None:
    """Raise ModelError unless ``temperature`` is a finite number within :data:`TEMPERATURES`."""
    low, high = TEMPERATURES
    if not (math.isfinite(temperature) and low <= temperature <= high):
        raise ModelError(f"temperature {temperature}: choose a number from {low} to {high}")


def generate(
    model: Loaded | dict[str, Any], *, bars: int = 8, seed: int = 0, temperature: float = 1.0,
    device: str | None = None,
) -> Song:
    """Generate ``bars`` bars from a loaded model (or a checkpoint dict); the same seed gives the same
    song on the same device (on the CPU, the same MIDI bytes as ever; the seed's generator stays on
    the CPU anywhere).

    Raises:
        ModelError: ``temperature`` is not a finite number within :data:`TEMPERATURES`.
        DeviceError: an unknown or unavailable ``device``.
    """
    check_temperature(temperature)
    return protocol.generate(loaded(model, device), bars=bars, seed=seed, temperature=temperature)


def sample(
    model: Loaded | dict[str, Any], count: int, *, bars: int = 8, seed: int = 0, temperature: float = 1.0,
    device: str | None = None,
) -> list[Song]:
    """``count`` songs of ``bars`` bars from a loaded model (or a checkpoint dict), seeded: what
    :func:`evaluate` measures (:func:`companion.family.sample`; GPTs sample them in one batch).

    Raises:
        ModelError: ``temperature`` is not a finite number within :data:`TEMPERATURES`.
    """
    check_temperature(temperature)
    return protocol.sample(loaded(model, device), count, bars=bars, seed=seed, temperature=temperature)


def evaluate(
    model: Loaded | dict[str, Any],
    corpus: Corpus,
    *,
    split: str = "test",
    seed: int = 0,
    excerpts: int = 0,
    songs: int = protocol.EVALUATION_SONGS,
    bars: int = protocol.EVALUATION_BARS,
    extras: bool = True,
    threads: int | None = None,
    device: str | None = None,
) -> dict[str, Any]:
    """The one measurement of every architecture (:func:`companion.family.evaluate`) on ``corpus``'s
    ``split``: likelihoods where defined, the shared metrics of generated and real music scored alike,
    the family's own diagnostics under ``extras`` (unless ``extras=False``); ``songs`` generated
    songs of ``bars`` bars. ``threads`` sets torch's threads for the measurement (restored) and caps
    numpy's OpenBLAS pool, the yardstick's included (not restored: :func:`_cap_blas`).

    With ``excerpts`` > 0 the result also holds ``yardstick``: :func:`companion.yardstick.for_checkpoint`
    on that many generated 8-bar excerpts (the model's NLL passed through), with its noise floor,
    baselines and intervals."""
    model = loaded(model, device)
    _cap_blas(threads)
    result = protocol.evaluate(model, corpus, split=split, seed=seed, songs=songs, bars=bars, threads=threads,
                               extras=extras)  # fmt: skip
    if excerpts > 0:
        from .yardstick import for_checkpoint

        nll = {k: v for k, v in result.items() if k.startswith("nll")} or None
        result["yardstick"] = for_checkpoint(model, corpus, split=split, excerpts=excerpts, seed=seed, nll=nll)
    return result
