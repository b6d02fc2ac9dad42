"""The ``"image"`` codec (issue 12): :class:`ImageCodec`, the picture representation of lesson 03 as
one object -- songs to 9.6 s clips, images back to a Song, and the plain data a checkpoint keeps.

The drawing itself is :mod:`companion.codecs.image` (which also exposes this class as
``image.ImageCodec``, the name the codec registry uses). The codec knows nothing of models or
training settings: the corpus's General MIDI program is passed in by whoever makes it (the image
GAN's recipe).

Used by :mod:`companion.pipelines.imagegan`, ``companion.measurements.imagegan_*`` and notebook
03_image_gan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import CodecError
from ..song import ChordLabel, Song
from ..theory import RESOLUTION
from . import encodable, image
from .base import Codec

FIXED = {
    "seconds_per_step": image.SECONDS_PER_STEP,
    "lowest_pitch": image.LOWEST_PITCH,
    "rows": image.NUM_ROWS,
}
"""What every picture shares (a checkpoint states it; :meth:`ImageCodec.from_dict` checks it)."""


@dataclass(frozen=True)
class ImageCodec(Codec):
    """MIDI as a ``layout`` picture of 0.05 s steps, written back at ``bpm`` on one track of
    ``program``; a pixel sounds above ``threshold``."""

    name: ClassVar[str] = "image"

    layout: str = "rgb"
    threshold: float = 0.5
    bpm: float = image.DEFAULT_BPM
    resolution: int = RESOLUTION
    program: int = 0

    def __post_init__(self) -> None:
        if self.layout not in image.LAYOUTS:
            raise CodecError(f"layout {self.layout!r}: choose one of {', '.join(image.LAYOUTS)}")
        image.ticks_per_step(self.bpm, self.resolution)  # raises on a tempo off the grid

    @property
    def shape(self) -> tuple[int, int, int]:
        """One image's (channels, rows, columns)."""
        return image.LAYOUTS[self.layout]

    # ------------------------------------------------------------------ songs -> clips
    def encode(self, song: Song, *, drums: bool = True, hop: int = image.STEPS) -> np.ndarray:
        """The 9.6 s windows of one song, every ``hop`` steps, as images (N, C, 96, W): whole windows
        only, or the song padded to one window when it is shorter. Times are rounded to the 0.05 s
        grid and notes outside MIDI 21..116 dropped (:func:`companion.codecs.image.outside_count`)."""
        clips = image.windows(song, layout=self.layout, hop=hop, drums=drums, quantize=True, drop_outside=True,
                              keep_partial=False)  # fmt: skip
        if len(clips) == 0 and song.num_notes:
            clips = image.windows(song, layout=self.layout, hop=hop, drums=drums, quantize=True, drop_outside=True)[:1]
        return clips

    def clips(self, songs: list[Song], *, drums: bool = True, hop: int = image.STEPS,
              skipped: list[str] | None = None) -> np.ndarray:  # fmt: skip
        """:meth:`encode` of every song, stacked: uint8 (N, C, 96, W) of 0s and 1s. A song the codec
        refuses (too long for its memory cap, a tempo off its grid ...) is left out and described in
        ``skipped``.

        Raises:
            CodecError: no song gives a clip with notes.
        """

        def clips(song: Song) -> np.ndarray:
            return self.encode(song, drums=drums, hop=hop).astype(np.uint8)

        parts = [p for _, p in encodable(songs, clips, skipped if skipped is not None else [])]
        parts = [p for p in parts if len(p)]
        if not parts:
            raise CodecError(f"no 9.6 s clip with notes among {len(songs)} songs")
        return np.concatenate(parts)

    def clip_songs(self, songs: list[Song], *, drums: bool = True) -> list[Song]:
        """The songs cut into consecutive 9.6 s clips and decoded as an image holds them (one track at
        :attr:`bpm`), with the songs' chord labels carried over in the decoded clip's ticks (for the
        chord-tone rate against ground truth)."""
        out = []
        step_ticks = image.ticks_per_step(self.bpm, self.resolution)
        for song in songs:
            chord_steps = [
                (round(song.tick_to_seconds(c.tick) * image.STEPS_PER_SECOND),
                 round(song.tick_to_seconds(c.tick + c.duration) * image.STEPS_PER_SECOND), c)
                for c in song.chords
            ]  # fmt: skip
            for k, clip in enumerate(self.encode(song, drums=drums)):
                clip_song = self.decode(clip, title=f"{song.title} clip {k + 1}")
                lo, hi = k * image.STEPS, (k + 1) * image.STEPS
                clip_song.chords = [
                    ChordLabel(
                        (max(s, lo) - lo) * step_ticks, (min(e, hi) - max(s, lo)) * step_ticks, c.root, c.quality
                    )  # fmt: skip
                    for s, e, c in chord_steps
                    if s < hi and e > lo and min(e, hi) > max(s, lo)
                ]
                out.append(clip_song)
        return out

    # ------------------------------------------------------------------ images -> Song
    def decode(self, data: Any, *, threshold: float | None = None, title: str = "") -> Song:
        """An image (C, 96, W), a batch of them played one after another (N, C, 96, W) or a step roll
        (96, steps) as one Song at :attr:`bpm` (one track); ``threshold`` overrides the codec's."""
        array = np.asarray(data)
        roll = image.concat_clips(array) if array.ndim == 4 else array
        return image.decode(roll, threshold=self.threshold if threshold is None else threshold, bpm=self.bpm,
                            resolution=self.resolution, program=self.program, title=title)  # fmt: skip

    # ------------------------------------------------------------------ plain data
    def to_dict(self) -> dict[str, Any]:
        """What a checkpoint keeps (the keys image-GAN checkpoints always had, plus ``"codec"``)."""
        return {
            "codec": self.name,
            "layout": self.layout,
            "shape": list(self.shape),
            **FIXED,
            "threshold": self.threshold,
            "bpm": self.bpm,
            "resolution": self.resolution,
            "program": self.program,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageCodec:
        """The codec of :meth:`to_dict`, or of a checkpoint made before the registry (no ``"codec"``).

        Raises:
            CodecError: another codec's dict, or a picture this module does not draw.
        """
        if data.get("codec", cls.name) != cls.name:
            raise CodecError(f"not an image codec's data: codec {data.get('codec')!r}")
        codec = cls(data.get("layout", "rgb"), float(data.get("threshold", 0.5)),
                    float(data.get("bpm", image.DEFAULT_BPM)), int(data.get("resolution", RESOLUTION)),
                    int(data.get("program", 0)))  # fmt: skip
        stated = {"shape": list(data.get("shape", codec.shape)), **{k: data.get(k, v) for k, v in FIXED.items()}}
        if stated != {"shape": list(codec.shape), **FIXED}:
            raise CodecError(f"an image of {stated} is not the {codec.layout} picture this codec draws")
        return codec
