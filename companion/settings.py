"""Run-time switches read from the environment.

* ``COMPANION_FAST=1`` -- the notebooks' fast switch (CI sets it): lessons shrink training steps and
  sample counts, never skip a cell. Full runs (the outputs committed with each notebook) leave it unset.
* ``COMPANION_CACHE`` -- where corpora and downloads are cached (see :func:`companion.data.cache_dir`).

Used by every notebook.
"""

from __future__ import annotations

import os


def fast_mode() -> bool:
    """True when ``COMPANION_FAST`` is set to anything but ``""``/``"0"``."""
    return os.environ.get("COMPANION_FAST", "") not in ("", "0")


def pick(full, fast):
    """``fast`` under the fast switch, else ``full`` -- e.g. ``steps = pick(2000, 60)``."""
    return fast if fast_mode() else full
