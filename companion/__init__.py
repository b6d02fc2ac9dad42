"""companion: the package behind the course "Diminishing returns: why AI music falls short,
measured architecture by architecture".

The public API, stable across lessons::

    from companion import read_midi, write_midi, Song, MidiError, load_corpus

    corpus = load_corpus("bach")          # music21's chorales, four tracks S/A/T/B
    song = corpus.train[0]
    write_midi(song, "chorale.mid")
    assert read_midi("chorale.mid").tracks[0].notes == song.tracks[0].notes

Modules, by concept (imports go one way, top to bottom):
``cli`` -> ``zoo``, ``compare``, ``demo`` -> ``pipelines`` -> ``metrics``, ``data``, ``plot``, ``train`` ->
``codecs`` -> ``harmony``, ``midi``, ``audio``, ``interop``, ``checkpoint`` -> ``roll``, ``models`` -> ``song``,
``errors`` -> ``theory`` (the grid and music theory, a leaf; the README's package table has the full list).
"""

from .data import Corpus, load_corpus
from .errors import CodecError, CompanionError, DataError, MidiError
from .midi import read_midi, write_midi
from .song import ChordLabel, Note, Song, Tempo, TimeSignature, Track

__version__ = "0.1.0"

__all__ = [
    "ChordLabel",
    "CodecError",
    "CompanionError",
    "Corpus",
    "DataError",
    "MidiError",
    "Note",
    "Song",
    "Tempo",
    "TimeSignature",
    "Track",
    "load_corpus",
    "read_midi",
    "write_midi",
]
