"""Codecs: each turns a :class:`~companion.song.Song` into a model's input and back, exact at its grid.

* :mod:`.pianoroll` -- multi-track binary roll (lessons 01, 02, 04).
* :mod:`.image` -- a MIDI clip drawn as a 96x64 RGB image, 0.05 s per pixel (lesson 03).
* :mod:`.tokens` -- the token-codec interface of the language models and its registry (lessons 04-06).
* :mod:`.chords` -- one token per frame, the set of sounding pitches: "GPT3-music" (lesson 04).
* :mod:`.events` -- REMI-like event tokens that keep chords and octaves (lesson 05).

Only :mod:`.pianoroll` is imported here; import the others by name.
"""

from . import pianoroll

__all__ = ["pianoroll"]
