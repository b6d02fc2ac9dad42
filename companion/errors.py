"""The package's own exceptions. Every bad input ends in one of these, with a message that names the
file (or corpus) and the problem; the CLI turns them into exit code 2 and one line on stderr.

Used by every notebook and by :mod:`companion.cli`.
"""

from __future__ import annotations


class CompanionError(Exception):
    """Base class of every error the package raises on purpose (bad input, not a bug)."""


class MidiError(CompanionError):
    """A MIDI file (or byte string) that cannot be read or written: the message says which and why."""


class DataError(CompanionError):
    """A corpus that cannot be loaded: missing file, wrong format, failed checksum, empty folder."""


class CodecError(CompanionError):
    """A song or array that a codec cannot encode or decode (too long, wrong shape, off range)."""


class FamilyError(CompanionError):
    """Bad input for an architecture family (:mod:`companion.family`): a model it does not hold, a
    step count below 1, a split the corpus lacks, a song length below one bar, or a recipe file that
    is missing or malformed."""


class ClusterError(CompanionError):
    """A sweep that cannot go to a cluster (:mod:`companion.cluster`): Ray is not installed, or the
    cluster address is malformed or cannot be reached."""
