"""Run-time switches read from the environment.

* ``COMPANION_FAST=1`` -- the notebooks' fast switch (CI sets it): lessons shrink training steps and
  sample counts, never skip a cell. Full runs (the outputs committed with each notebook) leave it unset.
* ``COMPANION_CACHE`` -- where corpora and downloads are cached (see :func:`companion.data.cache_dir`).
* ``COMPANION_JSB`` -- the path of a local ``JSB_Chorales.mat`` (offline machines); unset, the lessons
  let ``load_corpus("jsb")`` download the canonical file once into the cache (see :func:`jsb_file`).

Used by every notebook.
"""

from __future__ import annotations

import os
from pathlib import Path


def fast_mode() -> bool:
    """True when ``COMPANION_FAST`` is set to anything but ``""``/``"0"``."""
    return os.environ.get("COMPANION_FAST", "") not in ("", "0")


def pick(full, fast):
    """``fast`` under the fast switch, else ``full`` -- e.g. ``steps = pick(2000, 60)``."""
    return fast if fast_mode() else full


def jsb_file() -> Path | None:
    """The JSB benchmark file named by ``$COMPANION_JSB``, or None (then ``load_corpus("jsb", path=None)``
    uses the cached download). Used by notebook 00_tour, so no lesson hard-codes a machine's path."""
    value = os.environ.get("COMPANION_JSB", "")
    return Path(value).expanduser() if value else None
