"""A corpus as token sequences: fit a token codec on the train split (optionally transposed) and
encode train and valid (:func:`training_data`), and a split as the codec sees it (:func:`codec_view`,
tokenised and decoded: the copy rate's reference). Frame corpora (the polyphonic benchmarks) and song
corpora alike; a song the codec refuses is left out and listed, never fatal.

Used by the GPT family (:mod:`companion.pipelines.gpt`), so by notebooks 04_gpt_chords and
05_event_tokens.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CodecError
from ..song import Song
from . import encodable
from .tokens import TokenCodec

if TYPE_CHECKING:  # a corpus is read, never built, here: codecs sit below data in the layers
    from ..data import Corpus


def _transpose_frames(frames: np.ndarray, semitones: int) -> np.ndarray | None:
    """Frames moved by ``semitones`` keys, or None when a sounding key would leave the 88."""
    if semitones == 0:
        return frames
    cols = np.flatnonzero(frames.any(axis=0))
    if len(cols) and (cols.min() + semitones < 0 or cols.max() + semitones >= frames.shape[1]):
        return None
    return np.roll(frames, semitones, axis=1)


def training_data(
    codec: TokenCodec, corpus: Corpus, *, augment_transpose: int = 0, fit: bool = True, skipped: list | None = None
):
    """Fit ``codec`` on the train split (unless ``fit=False``) and encode train and valid.

    Args:
        augment_transpose: also train on every piece transposed by -k..+k semitones (pieces that would
            leave the pitch range are skipped); the codec is fitted on the augmented train split.
        skipped: receives one line per song the codec refuses (another meter, too long ...): those
            songs are left out, not fatal.

    Returns:
        ``(train_sequences, valid_sequences)``, lists of token lists.
    """
    shifts = [0] + [s for k in range(1, augment_transpose + 1) for s in (k, -k)]
    if corpus.frames is not None:
        train = [t for f in corpus.frames["train"] for s in shifts if (t := _transpose_frames(f, s)) is not None]
        if fit:
            codec.fit_frames(train)
            if corpus.track is not None and hasattr(codec, "name_frame_track"):
                codec.name_frame_track(*corpus.track)
        return [codec.encode_frames(f)[0] for f in train], [codec.encode_frames(f)[0] for f in corpus.frames["valid"]]
    train_songs = [song.transpose(s) if s else song for song in corpus.train for s in shifts]
    train_songs = [s for s in train_songs if all(0 <= n.pitch <= 127 for t in s.tracks for n in t.notes)]
    skipped = skipped if skipped is not None else []
    if fit:
        try:
            codec.fit(train_songs)
        except CodecError:  # some song the codec cannot fit on: leave out each one it refuses alone
            train_songs = [song for song, _ in encodable(train_songs, lambda s: copy.deepcopy(codec).fit([s]), skipped)]
            codec.fit(train_songs)
    return [t for _, t in encodable(train_songs, codec.encode, skipped)], [
        t for _, t in encodable(corpus.valid, codec.encode, skipped)
    ]


def codec_view(codec: TokenCodec, corpus: Corpus, split: str = "train") -> list[Song]:
    """A split as the codec sees it -- tokenised and decoded (e.g. merged to one track on a 16th grid):
    the reference for the copy rate of generated music."""
    if corpus.frames is not None:
        return [
            codec.decode(codec.encode_frames(f)[0], title=f"{split} {i}") for i, f in enumerate(corpus.frames[split])
        ]
    return [codec.decode(codec.encode(s), title=s.title) for s in corpus.splits[split]]
