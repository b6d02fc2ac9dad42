"""Codecs: each turns a :class:`~companion.song.Song` into a model's input and back, exact at its grid.

* :mod:`.pianoroll` -- multi-track binary roll (lessons 01, 02, 04).
* :mod:`.phrases` -- MuseGAN's 4-bar phrase rolls and their decoding rule, ``"phrase-roll"`` (lesson 02).
* :mod:`.image` -- a MIDI clip drawn as a 96x64 RGB image, 0.05 s per pixel (lesson 03).
  Beside it :mod:`.image_roundtrip` (what a picture holds), :mod:`.image_edits` (reverse, shift,
  display) and :mod:`.image_codec` (the registry's ``"image"`` codec).
* :mod:`.tokens` -- the token-codec interface of the language models and its registry (lessons 04-06).
* :mod:`.chords` -- one token per frame, the set of sounding pitches: "GPT3-music" (lesson 04).
* :mod:`.chord_vocab` -- the vocabulary explosion of those tokens, measured (lesson 04).
* :mod:`.events` -- REMI-like event tokens that keep chords and octaves (lesson 05); a package:
  ``vocab``, ``grid``, ``codec``, ``reading``, ``frames``.

Only :mod:`.pianoroll` is imported here; import the others by name. :func:`encodable` is how every
training pipeline leaves out (and lists) the songs of a corpus a codec refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from ..errors import CodecError
from ..song import Song
from . import pianoroll

__all__ = ["encodable", "pianoroll"]

T = TypeVar("T")


def encodable(songs: Iterable[Song], encode: Callable[[Song], T], skipped: list[str]) -> list[tuple[Song, T]]:
    """``(song, encode(song))`` for every song ``encode`` accepts; each song it refuses with a
    :class:`~companion.errors.CodecError` is left out and described in ``skipped`` (one line: the
    codec's message, which names the song), so one odd file never aborts a whole training run."""
    kept = []
    for song in songs:
        try:
            kept.append((song, encode(song)))
        except CodecError as exc:
            skipped.append(str(exc))
    return kept
