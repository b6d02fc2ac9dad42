"""Edits of MIDI images in time, and how they are shown: a clip played backwards (:func:`reverse`),
moved later (:func:`shift`), and as uint8 pixels for display (:func:`to_picture`), in the layouts of
:mod:`companion.codecs.image` (RGB-packed or plain).

Reached as ``image.reverse`` etc. (re-exported by :mod:`companion.codecs.image`). Used by notebook
03_image_gan (the pictures, the critic's direction test), :mod:`companion.pipelines.imagegan` and the
lesson-03 measurements (the critic's shift sensitivity).
"""

from __future__ import annotations

import numpy as np

from .image import layout_of, pack, unpack


def reverse(image: np.ndarray) -> np.ndarray:
    """The same clip played backwards, in the same layout (an RGB image reverses its steps, so
    its channels swap R <-> B as well as its columns). Works on one image or a batch."""
    array = np.asarray(image)
    if array.ndim == 4:
        return np.stack([reverse(x) for x in array])
    return pack(unpack(array)[:, ::-1], layout_of(array))


def shift(image: np.ndarray, steps: int) -> np.ndarray:
    """The clip moved ``steps`` later in time (silence enters on the left, the end drops off), in
    the same layout. A shift of 1 step moves every RGB sub-pixel into the next channel. Works on one
    image or a batch."""
    array = np.asarray(image)
    if array.ndim == 4:
        return np.stack([shift(x, steps) for x in array])
    roll = unpack(array)
    moved = np.zeros_like(roll)
    if steps >= 0:
        moved[:, steps:] = roll[:, : roll.shape[1] - steps]
    else:
        moved[:, :steps] = roll[:, -steps:]
    return pack(moved, layout_of(array))


def to_picture(image: np.ndarray) -> np.ndarray:
    """An image as uint8 pixels (rows, columns, 3) for display: the RGB layout shows its channels
    as colours, as the seed's pictures do (a note held over all three steps is white); the plain
    layout is grey."""
    array = np.clip(np.asarray(image, dtype=np.float32), 0, 1)
    pixels = np.repeat(array, 3, axis=0) if array.shape[0] == 1 else array
    return (pixels.transpose(1, 2, 0) * 255).round().astype(np.uint8)
