"""MIDI as an image, as the seed report's "Wave GAN-IMAGE" draws it (ancestor: mathigatti/midi2img).

* **time** runs left to right in steps of ``SECONDS_PER_STEP = 0.05`` s -- seconds, not beats: note
  times go through the song's tempo map, so the same chorale at another tempo is another picture;
* **pitch** runs bottom to top in semitones over ``NUM_ROWS = 96`` rows, MIDI ``LOWEST_PITCH = 21``
  (A0) at the bottom row to ``HIGHEST_PITCH = 116`` (G#8) at the top row: the whole 88-key piano plus
  eight semitones, so every Bach chorale (MIDI 36..81) and every part of the jazz corpus (36..96,
  drum keys 36..51 included) fits with no note left out;
* a pixel is **on** (1) while a note sounds, off (0) otherwise; every track is drawn into the same
  picture (an image has no tracks), drums too unless ``drums=False``;
* **RGB packing** (the ``"rgb"`` layout): the three channels R, G, B of one pixel are three
  consecutive on/off steps, so an image of 96 x 64 RGB pixels holds 64 x 3 = 192 steps
  = 192 x 0.05 s = **9.6 s** (the seed writes "9.2 s": 192 x 0.05 is 9.6, an arithmetic slip);
  without the packing 64 columns would hold 3.2 s, as the seed says. The ``"plain"`` layout keeps
  the same 192 steps as one channel of 96 x 192 pixels, for comparison.

Arrays in image orientation: row 0 is the TOP row (the highest pitch); a *step roll* is a
``(96, steps)`` array, an *image* is ``(channels, 96, columns)``: ``(3, 96, 64)`` packed,
``(1, 96, 192)`` plain. Pixel values are floats in [0, 1]; :func:`decode` thresholds them.

Decoding writes MIDI at a stated tempo (``bpm``, default 100): at 100 bpm one step of 0.05 s is
1/12 beat (40 ticks at 480 per beat) and a 9.6 s image is 16 beats, four bars of 4/4. The image
keeps no beat, no tracks and no note boundaries between touching notes of one pitch, so the round
trip is exact *up to what a picture can hold*: :func:`flatten` is that reference, computed in ticks
without the codec, and ``decode(encode(song)) == flatten(song)`` for any song on the 0.05 s grid
at the decoding tempo (tested on every 9.6 s window of every Bach chorale).

This module is the picture's grid and its two directions: a Song to a step roll, a step roll to an
image of a layout and back, and an image to a Song. The rest, by concept, lives beside it and is
re-exported here under the names it always had (:data:`MOVED`):

* :mod:`companion.codecs.image_roundtrip` -- what a picture holds: :func:`flatten`, :func:`roundtrip_report`;
* :mod:`companion.codecs.image_edits` -- edits in time and display: :func:`reverse`, :func:`shift`,
  :func:`to_picture`;
* :mod:`companion.codecs.image_codec` -- the ``"image"`` codec of the registry, :class:`ImageCodec`
  (clips of songs, a Song of images, the plain data a checkpoint keeps).

Used by notebook 03_image_gan, :mod:`companion.pipelines.imagegan` and the lesson-03 measurements.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..errors import CodecError
from ..song import Note, Song, Tempo, TimeSignature, Track
from ..theory import RESOLUTION
from .pianoroll import MAX_CELLS

SECONDS_PER_STEP = 0.05
"""One sub-pixel (one channel of one RGB pixel) is a twentieth of a second."""

STEPS_PER_SECOND = 20
LOWEST_PITCH = 21
"""MIDI pitch of the bottom row (A0, the piano's lowest key)."""

NUM_ROWS = 96
HIGHEST_PITCH = LOWEST_PITCH + NUM_ROWS - 1
"""MIDI pitch of the top row: 116 (G#8)."""

CHANNELS = 3
COLUMNS = 64
STEPS = CHANNELS * COLUMNS
"""Steps in one image: 192 = 9.6 s."""

LAYOUTS = {"rgb": (CHANNELS, NUM_ROWS, COLUMNS), "plain": (1, NUM_ROWS, STEPS)}
"""Image shape of each layout, (channels, rows, columns)."""

DEFAULT_BPM = 100.0
_TOLERANCE = 1e-6  # in steps: how far from the 0.05 s grid a time may be and still count as on it


def clip_seconds() -> float:
    """Length of one image in seconds: ``STEPS * SECONDS_PER_STEP`` = 9.6."""
    return STEPS * SECONDS_PER_STEP


# ----------------------------------------------------------------------------- Song -> steps
def note_steps(song: Song, *, drums: bool = True, quantize: bool = False) -> np.ndarray:
    """Start step, end step (exclusive) and pitch of every note, as an int64 array (notes, 3).

    Times go through the tempo map to seconds, then to 0.05 s steps.

    Args:
        song: the song.
        drums: keep drum tracks (drawn in at their key numbers, like any note) or drop them.
        quantize: round each time to the nearest step (a note never shrinks below one step).
            Without it a time off the 0.05 s grid raises CodecError, so an "exact" round trip
            cannot lie.

    Raises:
        CodecError: a note off the grid (without ``quantize``).
    """
    notes = [(n.start, n.end, n.pitch) for t in song.tracks if drums or not t.is_drum for n in t.notes]
    if not notes:
        return np.zeros((0, 3), dtype=np.int64)
    table = np.asarray(notes, dtype=np.int64)
    steps = _ticks_to_seconds(song, table[:, :2]) * STEPS_PER_SECOND
    rounded = np.rint(steps).astype(np.int64)
    if quantize:
        rounded[:, 1] = np.maximum(rounded[:, 1], rounded[:, 0] + 1)
    else:
        off = np.abs(steps - rounded) > _TOLERANCE
        if off.any():
            i = int(np.argmax(off.any(axis=1)))
            raise CodecError(
                f"{song.title or 'song'}: note at tick {int(table[i, 0])} (pitch {int(table[i, 2])}) is "
                f"{steps[i, 0] * SECONDS_PER_STEP:.4f} s .. {steps[i, 1] * SECONDS_PER_STEP:.4f} s, off the "
                f"{SECONDS_PER_STEP} s grid (pass quantize=True to round)"
            )
    return np.column_stack([rounded, table[:, 2]])


def _ticks_to_seconds(song: Song, ticks: np.ndarray) -> np.ndarray:
    """Vectorised :meth:`Song.tick_to_seconds`: the tempo map is piecewise linear in ticks."""
    knots = sorted({0, *(t.tick for t in song.tempos if t.tick > 0)})
    last = max(int(ticks.max(initial=0)), knots[-1]) + 1
    knots.append(last)
    seconds = [song.tick_to_seconds(k) for k in knots]
    return np.interp(ticks.astype(np.float64), np.asarray(knots, dtype=np.float64), np.asarray(seconds))


def encode_steps(
    song: Song,
    *,
    drums: bool = True,
    quantize: bool = False,
    drop_outside: bool = False,
    num_steps: int | None = None,
) -> np.ndarray:
    """The whole song as a bool step roll (96 rows, steps), row 0 = MIDI 116, at 0.05 s per step.

    Args:
        song: the song.
        drums: draw drum notes in (the seed's images do) or drop the drum tracks.
        quantize: round times to the 0.05 s grid (else a note off it raises CodecError).
        drop_outside: silently drop notes outside MIDI 21..116 (else they raise CodecError);
            :func:`outside_count` counts them.
        num_steps: length of the roll (default: up to the end of the last note).

    Raises:
        CodecError: a note off the grid or outside the 96 rows, or a length below zero.
    """
    table = note_steps(song, drums=drums, quantize=quantize)
    outside = (table[:, 2] < LOWEST_PITCH) | (table[:, 2] > HIGHEST_PITCH)
    if outside.any() and not drop_outside:
        raise CodecError(
            f"{song.title or 'song'}: pitch {int(table[np.argmax(outside), 2])} is outside the image's rows "
            f"{LOWEST_PITCH}..{HIGHEST_PITCH} (pass drop_outside=True to drop it)"
        )
    table = table[~outside]
    length = int(table[:, 1].max(initial=0)) if num_steps is None else num_steps
    if length < 0:
        raise CodecError(f"{song.title or 'song'}: num_steps {num_steps} is negative")
    if NUM_ROWS * length > MAX_CELLS:
        raise CodecError(
            f"{song.title or 'song'}: {length * SECONDS_PER_STEP:,.0f} s is {NUM_ROWS * length:,} cells of image "
            f"roll, over the {MAX_CELLS:,}-cell cap"
        )
    roll = np.zeros((NUM_ROWS, length), dtype=bool)
    starts, ends = table[:, 0], np.minimum(table[:, 1], length)
    keep = starts < length
    rows, starts, ends = HIGHEST_PITCH - table[keep, 2], starts[keep], ends[keep]
    lengths = ends - starts
    if lengths.sum():
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        roll[np.repeat(rows, lengths), np.repeat(starts, lengths) + offsets] = True
    return roll


def outside_count(song: Song, *, drums: bool = True) -> int:
    """How many notes of ``song`` fall outside the image's rows (MIDI 21..116)."""
    pitches = [n.pitch for t in song.tracks if drums or not t.is_drum for n in t.notes]
    return sum(1 for p in pitches if p < LOWEST_PITCH or p > HIGHEST_PITCH)


# ----------------------------------------------------------------------------- steps <-> image
def pack(steps: np.ndarray, layout: str = "rgb") -> np.ndarray:
    """A step roll (96, 192 k) as a float32 image (channels, 96, columns) of the ``layout``.

    ``"rgb"``: channel c of column j is step 3 j + c (R, G, B = three consecutive steps);
    ``"plain"``: one channel, column j is step j.
    """
    steps = np.asarray(steps)
    _check_layout(layout)
    if steps.ndim != 2 or steps.shape[0] != NUM_ROWS:
        raise CodecError(f"expected a step roll of shape (96, steps), got {steps.shape}")
    if layout == "plain":
        return steps[None].astype(np.float32)
    if steps.shape[1] % CHANNELS:
        raise CodecError(f"a step roll of {steps.shape[1]} steps does not pack into RGB pixels of 3 steps")
    return steps.reshape(NUM_ROWS, -1, CHANNELS).transpose(2, 0, 1).astype(np.float32)


def unpack(image: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pack`: an image (3 or 1, 96, columns) back to its step roll (96, steps).

    The number of channels says the layout: 3 is RGB-packed, 1 is plain. Values are kept as they
    are (floats stay floats)."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[0] not in (1, CHANNELS) or image.shape[1] != NUM_ROWS:
        raise CodecError(f"expected an image of shape (3 or 1, 96, columns), got {image.shape}")
    if image.shape[0] == 1:
        return image[0]
    return image.transpose(1, 2, 0).reshape(NUM_ROWS, -1)


def layout_of(image: np.ndarray) -> str:
    """``"rgb"`` for 3 channels, ``"plain"`` for 1."""
    return "rgb" if np.asarray(image).shape[-3] == CHANNELS else "plain"


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise CodecError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")


def encode(
    song: Song,
    *,
    layout: str = "rgb",
    start_step: int = 0,
    drums: bool = True,
    quantize: bool = False,
    drop_outside: bool = False,
) -> np.ndarray:
    """One 9.6 s image of ``song`` from ``start_step`` (0.05 s steps): (3, 96, 64) or (1, 96, 192).

    Notes sounding across the window's edges are cut at them; a song shorter than the window is
    padded with silence. Options as :func:`encode_steps`.
    """
    _check_layout(layout)
    roll = encode_steps(song, drums=drums, quantize=quantize, drop_outside=drop_outside, num_steps=start_step + STEPS)
    return pack(roll[:, start_step:], layout)


def windows(
    song: Song,
    *,
    layout: str = "rgb",
    hop: int = STEPS,
    drums: bool = True,
    quantize: bool = False,
    drop_outside: bool = False,
    keep_partial: bool = True,
) -> np.ndarray:
    """Every 9.6 s window of ``song``, ``hop`` steps apart, as images (N, channels, 96, columns).

    With ``keep_partial`` the last window may run past the song's end (padded with silence);
    without it only whole windows are kept. Options as :func:`encode_steps`.
    """
    _check_layout(layout)
    if hop < 1:
        raise CodecError(f"hop {hop}: must be at least one step")
    roll = encode_steps(song, drums=drums, quantize=quantize, drop_outside=drop_outside)
    length = roll.shape[1]
    last = length - 1 if keep_partial else length - STEPS
    starts = list(range(0, max(last, -1) + 1, hop)) if length else []
    if not starts:
        return np.zeros((0, *LAYOUTS[layout]), dtype=np.float32)
    if len(starts) * 4 * math.prod(LAYOUTS[layout]) > MAX_CELLS:  # float32 images: 4 bytes a cell
        raise CodecError(
            f"{song.title or 'song'}: {len(starts):,} windows of {STEPS} steps every {hop} would need "
            f"{len(starts) * 4 * math.prod(LAYOUTS[layout]):,} bytes, over the {MAX_CELLS:,}-byte cap"
        )
    padded = np.zeros((NUM_ROWS, starts[-1] + STEPS), dtype=bool)
    padded[:, : min(length, padded.shape[1])] = roll[:, : padded.shape[1]]
    return np.stack([pack(padded[:, s : s + STEPS], layout) for s in starts])


# ----------------------------------------------------------------------------- image -> Song
def ticks_per_step(bpm: float, resolution: int) -> int:
    """Ticks in one 0.05 s step at ``bpm`` and ``resolution`` (bpm x resolution / 1200).

    Raises:
        CodecError: when that is not a whole number (e.g. 97 bpm at 480 ticks per beat).
    """
    ticks = bpm * resolution / (60 * STEPS_PER_SECOND)
    if bpm <= 0 or resolution < 1 or abs(ticks - round(ticks)) > 1e-9 or round(ticks) < 1:
        raise CodecError(
            f"{bpm} bpm at {resolution} ticks per beat puts a 0.05 s step at {ticks:g} ticks; "
            "choose a tempo and resolution that make it a whole number (e.g. 100 bpm, 480)"
        )
    return int(round(ticks))


def decode(
    image: np.ndarray,
    *,
    threshold: float = 0.5,
    bpm: float = DEFAULT_BPM,
    resolution: int = RESOLUTION,
    program: int = 0,
    velocity: int = 90,
    title: str = "",
) -> Song:
    """Threshold an image (or a step roll) into notes and return a one-track Song at ``bpm``.

    Args:
        image: (3, 96, columns) RGB-packed or (1, 96, columns) plain image with values in [0, 1],
            or a (96, steps) step roll.
        threshold: a pixel sounds when its value is strictly above this.
        bpm, resolution: the stated tempo of the MIDI written (see :func:`ticks_per_step`).
        program: General MIDI program of the one track.
        velocity: velocity of every note (the image has none).
        title: the song's title.

    Each run of consecutive steps above the threshold in a row becomes one note.
    """
    array = np.asarray(image)
    roll = array if array.ndim == 2 else unpack(array)
    if roll.ndim != 2 or roll.shape[0] != NUM_ROWS:
        raise CodecError(f"{title or 'image'}: expected 96 rows, got shape {array.shape}")
    step = ticks_per_step(bpm, resolution)
    on = roll > threshold
    padded = np.zeros((NUM_ROWS, on.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = on
    change = np.diff(padded, axis=1)
    rows_start, starts = np.nonzero(change == 1)
    rows_end, ends = np.nonzero(change == -1)  # same row-major order: the k-th start pairs the k-th end
    notes = [
        Note(int(s) * step, HIGHEST_PITCH - int(r), int(e - s) * step, velocity)
        for r, s, e in zip(rows_start.tolist(), starts.tolist(), ends.tolist())
    ]
    return Song(
        tracks=[Track("image", program, False, sorted(notes))],
        resolution=resolution,
        tempos=[Tempo(0, float(bpm))],
        time_signatures=[TimeSignature(0, 4, 4)],
        title=title,
    )


# ----------------------------------------------------------------------------- clips -> roll
def concat_clips(images: Iterable[np.ndarray]) -> np.ndarray:
    """Clips played one after another, as one step roll (96, total steps)."""
    return np.concatenate([unpack(np.asarray(x)) for x in images], axis=1)


MOVED = {
    "flatten": "image_roundtrip",
    "roundtrip_report": "image_roundtrip",
    "reverse": "image_edits",
    "shift": "image_edits",
    "to_picture": "image_edits",
    "ImageCodec": "image_codec",
}
"""Names this module always had whose code lives in a sibling module (each imports this one, so they
are reached on first use): ``image.flatten`` and ``from companion.codecs.image import reverse`` keep
working."""


def __getattr__(name: str) -> Any:
    """A name of :data:`MOVED`, imported from its module on first use."""
    if name in MOVED:
        return getattr(importlib.import_module(f"{__package__}.{MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *MOVED])
