"""The picture's own numbers of lesson 03: how undecided a generated image's pixels are
(:func:`pixel_stats`) and two statistics that change sign when music is played backwards
(:func:`direction_stats`). Plain functions of image arrays, no network.

Used by :meth:`companion.pipelines.imagegan.ImageGANFamily.extras`, ``companion.measurements.imagegan_*``
and notebook 03_image_gan.
"""

from __future__ import annotations

import math

import numpy as np

from ..codecs import image

THRESHOLD = 0.5
"""A pixel above this is on (the image codec's threshold)."""


def pixel_stats(images: np.ndarray, low: float = 0.2, high: float = 0.8) -> dict[str, float]:
    """How undecided the pixels are: the share strictly between ``low`` and ``high`` (the "blur"),
    the share above 0.5, and the mean value. Real images are 0 or 1, so their blur is 0."""
    values = np.asarray(images, dtype=np.float32).ravel()
    return {
        "ambiguous_share": float(((values > low) & (values < high)).mean()) if values.size else math.nan,
        "on_share": float((values > THRESHOLD).mean()) if values.size else math.nan,
        "mean": float(values.mean()) if values.size else math.nan,
    }


def _edges(roll: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    on = np.asarray(roll) > THRESHOLD
    before = np.zeros_like(on)
    before[:, 1:] = on[:, :-1]
    after = np.zeros_like(on)
    after[:, :-1] = on[:, 1:]
    return on & ~before, on & ~after  # onsets, last steps of notes


def direction_stats(images: np.ndarray) -> dict[str, float]:
    """Two statistics that change sign when the music is played backwards (each is exactly
    antisymmetric under :func:`companion.codecs.image.reverse`), pooled over the images.

    * ``attack_minus_release``: mean number of notes starting together (per step where any note
      starts) minus mean number of notes ending together (per step where any note ends). Music
      attacks chords together and lets notes go one by one; played backwards it would be the
      other way round.
    * ``step_down_share``: of the stepwise connections -- a note ends and the next step a note one
      or two semitones away begins -- the share going down minus the share going up (melodies
      resolve downwards by step more often than upwards).

    Returns:
        The two statistics and the counts behind them.
    """
    starts = ends = start_steps = end_steps = down = up = 0
    for clip in np.asarray(images):
        onsets, releases = _edges(image.unpack(clip))
        starts += int(onsets.sum())
        ends += int(releases.sum())
        start_steps += int(onsets.any(0).sum())
        end_steps += int(releases.any(0).sum())
        for d in (1, 2):  # row + d is d semitones lower
            down += int((releases[:-d, :-1] & onsets[d:, 1:]).sum())
            up += int((releases[d:, :-1] & onsets[:-d, 1:]).sum())
    attack = starts / start_steps if start_steps else math.nan
    release = ends / end_steps if end_steps else math.nan
    return {
        "attack_minus_release": attack - release,
        "notes_per_attack": attack,
        "notes_per_release": release,
        "step_down_share": (down - up) / (down + up) if down + up else math.nan,
        "steps_down": down,
        "steps_up": up,
    }
