"""Codecs: each turns a :class:`~companion.song.Song` into a model's input and back, exact at its grid.

* :mod:`.pianoroll` -- multi-track binary roll (lessons 01, 02, 04).
"""

from . import pianoroll

__all__ = ["pianoroll"]
