"""The codec base and the registry keyed by codec name (issue 12).

A *codec* turns songs into a model's input and back, exact at its grid, and knows nothing of models
or training settings. Each one has a ``name`` and four members: ``encode(song)``, ``decode(data, *,
title="") -> Song``, ``to_dict()`` (plain data for a checkpoint, with ``"codec": name``) and the class
method ``from_dict(data)``. The registry maps a name to the module and class, imported on first use:

* ``"chords"`` -- :class:`companion.codecs.chords.ChordCodec` (lesson 04)
* ``"events"`` -- :class:`companion.codecs.events.EventCodec` (lesson 05)
* ``"phrase-roll"`` -- :class:`companion.codecs.phrases.PhraseRollCodec`, MuseGAN's 4-bar rolls (lesson 02)
* ``"image"`` -- :class:`companion.codecs.image.ImageCodec`, the 96x64 RGB picture (lesson 03)

Checkpoints written before the registry named their token codec by model (``"model": "gpt-chords"``);
:func:`from_dict` still reads them (:data:`LEGACY_NAMES`).

Used by :mod:`companion.family` and the pipelines, so by notebooks 02-06.
"""

from __future__ import annotations

import abc
import importlib
from typing import Any, ClassVar

from ..errors import CodecError
from ..song import Song

REGISTRY: dict[str, tuple[str, str]] = {
    "chords": ("companion.codecs.chords", "ChordCodec"),
    "events": ("companion.codecs.events", "EventCodec"),
    "phrase-roll": ("companion.codecs.phrases", "PhraseRollCodec"),
    "image": ("companion.codecs.image", "ImageCodec"),
}
"""Codec name -> (module, class)."""

LEGACY_NAMES = {"gpt-chords": "chords", "gpt-events": "events"}
"""The ``"model"`` key of a token codec's dict in checkpoints made before the registry -> codec name."""


class Codec(abc.ABC):
    """What every codec offers (subclasses set :attr:`name` and implement the four members)."""

    name: ClassVar[str] = ""

    @abc.abstractmethod
    def encode(self, song: Song) -> Any:
        ...

    @abc.abstractmethod
    def decode(self, data: Any, *, title: str = "") -> Song:
        ...

    @abc.abstractmethod
    def to_dict(self) -> dict[str, Any]:
        ...

    @classmethod
    @abc.abstractmethod
    def from_dict(cls, data: dict[str, Any]) -> Codec:
        ...


def codec_class(name: str) -> type:
    """The class registered under ``name`` (its module imported now).

    Raises:
        CodecError: an unknown name.
    """
    name = LEGACY_NAMES.get(name, name)
    if name not in REGISTRY:
        raise CodecError(f"no codec named {name!r}; known: {', '.join(sorted(REGISTRY))}")
    module_name, class_name = REGISTRY[name]
    return getattr(importlib.import_module(module_name), class_name)


def name_of(data: dict[str, Any], default: str | None = None) -> str:
    """The codec name a plain-data dict was written by (``"codec"``, else a legacy ``"model"``)."""
    if isinstance(data, dict):
        if "codec" in data:
            return str(data["codec"])
        if "model" in data:
            return LEGACY_NAMES.get(str(data["model"]), str(data["model"]))
    if default is None:
        raise CodecError("codec data names no codec (no 'codec' key); was it made by a codec's to_dict()?")
    return default


def from_dict(data: dict[str, Any], default: str | None = None) -> Codec:
    """Rebuild a codec from its :meth:`Codec.to_dict` (``default``: the name to assume where an old
    checkpoint's dict names none, as the GAN checkpoints made before the registry)."""
    return codec_class(name_of(data, default)).from_dict(data)
