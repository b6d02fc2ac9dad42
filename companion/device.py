"""Which device a run uses: ``resolve_device("auto" | "cpu" | "cuda" | "mps")`` -> ``torch.device``.

``auto`` picks CUDA where present, else MPS (Apple GPUs), else the CPU. Models and batches move to
the chosen device; checkpoints are always written with CPU tensors (:func:`to_cpu`, applied by
:func:`companion.checkpoint.save_checkpoint`), so they load anywhere. Generation seeds stay CPU
``torch.Generator``s, so results on the CPU are byte-identical to what they always were. CPU-second
budgets (``cpu_seconds``) stay CPU figures; a run records its ``device`` beside them.

:func:`blas_threads` caps the OpenBLAS thread pool numpy and scipy load, which torch's thread count
does not reach (the CLI's ``--threads`` and the ``threads`` argument of :mod:`companion.zoo`'s
``train`` and ``evaluate`` set both).

Used by the CLI's ``--device`` and ``--threads`` and the ``device`` argument of :mod:`companion.zoo`
and the pipelines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import CompanionError

if TYPE_CHECKING:
    import torch

DEVICES = ("auto", "cpu", "cuda", "mps")
"""The device names ``--device`` takes (``cuda:1`` picks a particular GPU)."""


class DeviceError(CompanionError):
    """An unknown device name, or a device this machine does not have."""


def _mps_available() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str | torch.device | None = "auto") -> torch.device:
    """The ``torch.device`` for ``name`` (None means ``"auto"``).

    Raises:
        DeviceError: ``name`` is not one of :data:`DEVICES` (optionally ``cuda:N``), or names a
            device that is not available here.
    """
    import torch

    if isinstance(name, torch.device):
        name = str(name)
    text = "auto" if name is None else str(name).strip().lower()
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    kind, _, index = text.partition(":")
    if kind not in DEVICES or (index and (kind != "cuda" or not index.isdigit())):
        raise DeviceError(f"device {name!r}: choose one of {', '.join(DEVICES)}")
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(f"device {name!r}: CUDA is not available on this machine (try --device cpu)")
        if index and int(index) >= torch.cuda.device_count():
            raise DeviceError(f"device {name!r}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    if kind == "mps" and not _mps_available():
        raise DeviceError(f"device {name!r}: MPS is not available on this machine (try --device cpu)")
    return torch.device(text)


def to_cpu(value: Any, _memo: dict[tuple, Any] | None = None) -> Any:
    """``value`` with every tensor inside (dicts, lists, tuples) on the CPU. What holds no tensor off
    the CPU is returned as it is (the same object), and tensors that share storage on the device stay
    one tensor on the CPU (a tied embedding and head)."""
    import torch

    memo = {} if _memo is None else _memo
    if isinstance(value, torch.Tensor):
        if value.device.type == "cpu":
            return value
        key = (value.device, value.untyped_storage().data_ptr(), value.storage_offset(), tuple(value.shape),
               tuple(value.stride()), value.dtype)  # fmt: skip
        if key not in memo:
            memo[key] = value.detach().cpu()
        return memo[key]
    if isinstance(value, dict):
        moved = {k: to_cpu(v, memo) for k, v in value.items()}
        return value if all(moved[k] is v for k, v in value.items()) else moved
    if isinstance(value, list | tuple):
        items = [to_cpu(v, memo) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return items if isinstance(value, list) else tuple(items)
    return value


_BLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
                 "openblas_set_num_threads")  # fmt: skip


def blas_threads(threads: int) -> int:
    """Cap at ``threads`` every OpenBLAS library that numpy or scipy has loaded (and, through
    ``OPENBLAS_NUM_THREADS``, those loaded later); returns how many were capped (0 where numpy uses
    another BLAS). ``torch.set_num_threads`` does not reach these pools: with ``--threads 1`` alone,
    numpy's linear algebra (the yardstick's Fréchet distance and logistic regression) still ran on
    every core, and its idle threads spin, which on a busy 2-core machine cost 70 CPU seconds of one
    evaluate for 1 of work. The numbers are the same (checked on the yardstick's jazz sets)."""
    import ctypes
    import os
    from pathlib import Path

    import numpy

    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    site = Path(numpy.__file__).resolve().parents[1]
    loaded = Path("/proc/self/maps").read_text() if Path("/proc/self/maps").exists() else None
    capped = 0
    for path in sorted(site.glob("*/*openblas*")):  # numpy.libs, scipy.libs, numpy/.dylibs
        if not path.suffix.startswith((".so", ".dylib")) and ".so." not in path.name:
            continue
        if loaded is not None and str(path) not in loaded:
            continue
        try:
            library = ctypes.CDLL(str(path))
        except OSError:
            continue
        setter = next((getattr(library, name) for name in _BLAS_SETTERS if hasattr(library, name)), None)
        if setter is not None:
            setter(ctypes.c_int(threads))
            capped += 1
    return capped
