"""Checkpoints that are safe to share: tensors and plain data only, loaded with
``torch.load(..., weights_only=True)``, so a checkpoint file can never run code.

A checkpoint is one dict::

    {"format": "companion-checkpoint/1",
     "model": "gpt-chords",             # a name of companion.zoo.MODELS
     "config": {...},                    # plain data: the model's hyper-parameters
     "codec": {...},                     # plain data: vocabulary, grid, pitch window ...
     "state": {name: tensor, ...},       # the model's state_dict (GANs: "generator." / "critic." prefixes)
     "train": {...},                     # corpus, seed, steps done, wall time, history
     "optimizer": {...} | None}          # only in resumable training checkpoints, not shipped ones

Each shipped checkpoint has a manifest beside it (``<name>.json``): the command that made it, corpus,
steps, wall time, metrics and the checkpoint's sha256 (:func:`write_manifest`).

Used by every model lesson (02-06) through :mod:`companion.zoo` and the CLI.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CompanionError

if TYPE_CHECKING:  # torch is imported where a checkpoint is read or written, so `inspect` never pays for it
    import torch

FORMAT = "companion-checkpoint/1"
REQUIRED = ("format", "model", "config", "codec", "state", "train")


class CheckpointError(CompanionError):
    """A checkpoint file that is missing, unreadable, unsafe or of another format."""


def save_checkpoint(path: str | os.PathLike, checkpoint: dict[str, Any]) -> Path:
    """Write ``checkpoint`` (see the module docstring) atomically, every tensor on the CPU (so it loads
    anywhere); returns the path."""
    missing = [k for k in REQUIRED if k not in checkpoint]
    if missing:
        raise CheckpointError(f"{path}: checkpoint lacks {', '.join(missing)}")
    import torch

    from .device import to_cpu

    checkpoint = to_cpu(checkpoint)  # trained on a GPU or not, the file holds CPU tensors
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
        torch.save(checkpoint, handle)
    os.chmod(handle.name, 0o644)  # NamedTemporaryFile makes 0600; a shipped checkpoint is world-readable
    os.replace(handle.name, path)
    return path


def load_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Load a checkpoint with ``weights_only=True``; raises CheckpointError naming the file, in our own
    words (torch's warnings and its advice to load with ``weights_only=False`` are not passed on)."""
    import pickle
    import warnings

    import torch

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such checkpoint file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        detail = str(exc).split("WeightsUnpickler error:")[-1].strip().splitlines()[0][:120] if str(exc) else ""
        raise CheckpointError(
            f"{path}: refused: not a companion checkpoint (the safe loader, which reads only tensors and "
            f"plain data, stopped at: {detail or 'an unreadable pickle'})"
        ) from None
    except Exception as exc:  # torch raises RuntimeError, EOFError, zip errors ... for damaged files
        first_line = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"{path}: not a loadable checkpoint (damaged or another format: {first_line})") from None
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a {FORMAT} checkpoint")
    missing = [k for k in REQUIRED if k not in checkpoint]
    if missing:
        raise CheckpointError(f"{path}: checkpoint lacks {', '.join(missing)}")
    return checkpoint


def resumable(out: str | os.PathLike | None, *, resume: bool, model: str, corpus: str) -> dict[str, Any] | None:
    """The checkpoint a training run continues from: ``out`` when ``resume`` is set and it exists,
    else None. Shared by the three training pipelines.

    Raises:
        CheckpointError: ``out`` holds another model or corpus, or is a shipped checkpoint (no
            optimiser state to continue from).
    """
    if not resume or out is None or not Path(out).exists():
        return None
    previous = load_checkpoint(out)
    if previous["model"] != model or previous["train"].get("corpus") != corpus:
        raise CheckpointError(
            f"{out}: holds {previous['model']} on {previous['train'].get('corpus')}, not {model} on {corpus}"
        )
    if not previous.get("optimizer"):
        raise CheckpointError(f"{out}: a shipped checkpoint (no optimizer state) cannot be resumed")
    return previous


def for_shipping(checkpoint: dict[str, Any]) -> dict[str, Any]:
    """The checkpoint without optimizer state and with float32 tensors (smaller, same outputs)."""
    state = {k: v.float() if v.is_floating_point() else v for k, v in checkpoint["state"].items()}
    return {**checkpoint, "state": state, "optimizer": None}


def count_parameters(state: dict[str, torch.Tensor]) -> int:
    """Elements of the floating-point tensors of a state dict, each shared storage counted once (a
    head tied to the embedding is one matrix). Registered buffers, such as a sinusoidal position
    table, are counted too: a state dict does not say which tensors are trained."""
    seen, total = set(), 0
    for tensor in state.values():
        key = (tensor.untyped_storage().data_ptr(), tensor.storage_offset(), tuple(tensor.shape))
        if tensor.is_floating_point() and key not in seen:
            seen.add(key)
            total += tensor.numel()
    return total


def sha256(path: str | os.PathLike) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_manifest(path: str | os.PathLike, *, command: str, metrics: dict[str, Any]) -> Path:
    """Write ``<checkpoint>.json`` beside a checkpoint: command, corpus, steps, wall time, CPU time of
    the training process (``cpu_seconds``, a CPU figure whatever the ``device`` it trained on, which
    is recorded beside it) and its thread count (where the trainer records them), the recipe file and
    its sha256 (where it trained from one), metrics, sha256, size, machine and date. Returns the
    manifest's path."""
    path = Path(path)
    checkpoint = load_checkpoint(path)
    train = checkpoint["train"]
    manifest = {
        "checkpoint": path.name,
        "model": checkpoint["model"],
        "command": command,
        "corpus": train.get("corpus"),
        "steps": train.get("steps"),
        "wall_seconds": train.get("wall_seconds"),
        "cpu_seconds": train.get("cpu_seconds"),
        "device": train.get("device"),
        "torch_threads": train.get("torch_threads"),
        "recipe": train.get("recipe"),
        "best_step": train.get("best_step"),
        "seed": train.get("seed"),
        "parameters": count_parameters(checkpoint["state"]),
        "metrics": metrics,
        "sha256": sha256(path),
        "bytes": path.stat().st_size,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, torch {_torch_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    manifest_path = path.with_suffix(".json")
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest_path


def _torch_version() -> str:
    import torch

    return torch.__version__


def ship(
    path: str | os.PathLike,
    *,
    command: str,
    evaluate: Callable[[dict[str, Any]], dict[str, Any]],
    keep: Sequence[str] | None = None,
) -> Path:
    """Turn a trained checkpoint into a shipped one, in place: drop the optimiser state and the
    training snapshots (:func:`for_shipping`), save, ``evaluate`` the result and write the manifest
    with ``command`` and the ``keep`` keys of the evaluation (all of them when None). Every pipeline's
    ``ship`` and ``python -m companion ship`` come here. Returns the manifest's path."""
    path = Path(path)
    checkpoint = for_shipping(load_checkpoint(path))
    checkpoint["train"].pop("snapshots", None)
    save_checkpoint(path, checkpoint)
    result = evaluate(checkpoint)
    metrics = result if keep is None else {k: result[k] for k in keep if k in result}
    return write_manifest(path, command=command, metrics=metrics)
