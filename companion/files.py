"""Output files written whole or not at all: a temporary file beside the target, then a rename, so
an interrupted or failed write never leaves half a MIDI, WAV or PNG file behind.

Used by :func:`companion.write_midi`, :func:`companion.audio.write_wav` and
:func:`companion.plot.save_png` (and so by every notebook and CLI verb that writes one).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import CompanionError


def write_atomically(
    path: str | os.PathLike, content: bytes | Callable[[Path], None], error: type[CompanionError] = CompanionError
) -> Path:
    """Write ``content`` (bytes, or a function that writes the file at the path it is given) to
    ``path`` through a temporary file in the same folder; returns the path.

    Raises:
        ``error`` (a CompanionError) naming the file when the folder is missing or not writable.
    """
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    except OSError as exc:
        raise error(f"{path}: cannot write file ({exc.strerror or exc})") from None
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(content, (bytes, bytearray)):
                out.write(content)
        if not isinstance(content, (bytes, bytearray)):
            content(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise error(f"{path}: cannot write file ({exc.strerror or exc})") from None
        raise
    return path
