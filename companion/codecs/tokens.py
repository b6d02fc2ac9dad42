"""The token-codec interface shared by the language-model lessons, and the registry that picks one.

A *token codec* turns a :class:`~companion.song.Song` (bach, jazz, folder corpora) or a sequence of
binary quarter-note frames (the JSB benchmark) into a list of integer tokens ``BOS ... EOS`` and back.
Two codecs implement it:

* ``"chords"`` -> :class:`companion.codecs.chords.ChordCodec`: one token per frame, the frame's
  set of sounding pitches looked up in a vocabulary built on the training split (lesson 04).
* ``"events"`` -> :class:`companion.codecs.events.EventCodec`: REMI-like event tokens with a
  fixed vocabulary (lesson 05).

Both are registered by name in :mod:`companion.codecs.base`; which model uses which is the GPT
family's pairing (:data:`companion.pipelines.gpt.CODECS`), not the codec's. The GPT family, the LM
trainer and the likelihood code (:mod:`companion.likelihood`) only see this interface, so a new
codec plugs in through the registry without editing them.

The likelihood contract of :meth:`TokenCodec.encode_frames` is what makes a test NLL in nats per
frame honest: the tokens after ``BOS`` each belong to one frame, and the sum of their negative log
probabilities is ``-log p(frames, end)``. A codec that cannot represent a frame exactly (the chord
vocabulary's ``UNK``) adds the missing nats through :meth:`TokenCodec.extra_frame_nll`.

Optional members the GPT pipeline uses when a codec has them (not part of the protocol):
``unk_id`` (never sampled; ``rare_ids()`` lists tokens the trainer may replace by it, see
``LMConfig.rare_to_unk``), ``frames_per_bar`` (generation samples exactly that many tokens per bar),
``generation_chunk`` (otherwise, tokens sampled between checks of the decoded length),
``running_length()`` (that check read token by token, without decoding: see
:meth:`companion.codecs.events.EventCodec.running_length`) and ``song_frames(song)`` (per-frame NLL
on songs).

Used by notebooks 04_gpt_chords, 05_event_tokens, 06_diminishing_returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import CodecError
from ..song import Song
from . import base
from .base import LEGACY_NAMES

TOKEN_CODECS = ("chords", "events")
"""The registered codecs that turn music into token sequences."""

@runtime_checkable
class TokenCodec(Protocol):
    """What a token codec offers the GPT pipeline, the LM trainer and :mod:`companion.likelihood`.

    Attributes:
        name: the codec's registered name (``"chords"`` or ``"events"``); stored in :meth:`to_dict`
            so :func:`codec_from_dict` can rebuild the right class.
        vocab_size: number of token ids (ids are ``0 .. vocab_size - 1``).
        pad_id, bos_id, eos_id: the special tokens every codec has.
    """

    name: str
    vocab_size: int
    pad_id: int
    bos_id: int
    eos_id: int

    def fit(self, songs: list[Song]) -> None:
        """Build the vocabulary from the TRAIN split only (a fixed vocabulary makes this a no-op)."""
        ...

    def encode(self, song: Song) -> list[int]:
        """Tokens of a song, ``BOS ... EOS``."""
        ...

    def decode(self, tokens: Sequence[int], *, title: str = "") -> Song:
        """A song from tokens (BOS/EOS/PAD may be present and are skipped); tolerant of model output."""
        ...

    def fit_frames(self, frames: list[np.ndarray]) -> None:
        """Build the vocabulary from the train split of a frame corpus: a list of (T, 88) binary arrays."""
        ...

    def encode_frames(self, frames: np.ndarray) -> tuple[list[int], list[int]]:
        """Tokens ``BOS ... EOS`` of one (T, 88) binary frame sequence, and the frame of each token.

        Returns:
            ``(tokens, frame_of)`` with ``len(frame_of) == len(tokens) - 1``: ``frame_of[i]`` is the
            index (0..T-1) of the frame that token ``tokens[i + 1]`` belongs to. The token that closes
            frame ``t`` (the next frame's step marker, or ``EOS``) belongs to frame ``t``, so the sum of
            all predicted-token NLLs is ``-log p(whole frame sequence including its end)``.
        """
        ...

    def extra_frame_nll(self, frames: np.ndarray) -> np.ndarray:
        """Per frame, the nats to add beyond the token NLLs: shape (T,), float64.

        Zero for an exact codec; for a frame the vocabulary maps to ``UNK``, the NLL of that exact
        88-bit set under a fall-back distribution fitted on train.
        """
        ...

    def to_dict(self) -> dict:
        """Plain data (lists, ints, floats, strs) for a checkpoint; includes ``"codec"``: :attr:`name`."""
        ...

    @classmethod
    def from_dict(cls, data: dict) -> TokenCodec:
        """Rebuild the codec from :meth:`to_dict`'s output."""
        ...


def codec_class(name: str) -> Any:
    """The codec class registered under ``name`` (``"chords"``, ``"events"``; the model names
    ``"gpt-chords"``, ``"gpt-events"`` of old checkpoints are read too).

    Raises:
        CodecError: not a token codec's name.
    """
    if LEGACY_NAMES.get(name, name) not in TOKEN_CODECS:
        raise CodecError(f"no token codec named {name!r}; known: {', '.join(TOKEN_CODECS)}")
    return base.codec_class(name)


def codec_for(name: str, **options: Any) -> TokenCodec:
    """A fresh, unfitted token codec (``options`` go to its constructor, e.g. ``steps_per_beat=4``)."""
    return codec_class(name)(**options)


def codec_from_dict(data: dict) -> TokenCodec:
    """Rebuild a fitted codec from a checkpoint's plain-data ``to_dict()`` (its ``"codec"`` name, or
    the ``"model"`` key of checkpoints made before the registry).

    Raises:
        CodecError: no codec named, or not a token codec.
    """
    return codec_class(base.name_of(data)).from_dict(data)
