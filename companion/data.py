"""Corpora, offline and real: ``bach``, the four polyphonic benchmarks, ``jazz`` and ``folder``, all
as :class:`Corpus`.

* ``bach`` -- the Bach chorales shipped inside music21's corpus; those with exactly four parts, as
  four tracks Soprano/Alto/Tenor/Bass, 480 ticks per beat. Parsed once (tens of seconds), then read
  from an on-disk cache (well under a second).
* ``jsb``, ``nottingham``, ``musedata``, ``pianomidi`` -- the classic polyphonic benchmarks with their
  standard splits (Boulanger-Lewandowski et al. 2012; JSB: 229/76/77 pieces of quarter-note frames
  over 88 keys), read from the files shipped in :mod:`companion.polyphonic` (sha256-checked, no
  network). ``corpus.frames`` keeps the exact binary frames the published likelihoods are measured
  on and ``corpus.published`` the benchmark's own table (exact figures and bounds labelled).
* ``jazz`` -- the seeded procedural jazz corpus of :mod:`companion.jazz` (synthetic, with known
  chords and registers).
* ``folder`` -- every ``.mid``/``.midi`` file under a folder of your own; unreadable files are
  listed in ``corpus.skipped`` with the reason, never silently lost.

Splits of ``bach``, ``jazz`` and ``folder`` are seeded (80/10/10 by piece); the benchmarks keep their own.

Used by every notebook; the CLI's ``data`` verb prints :meth:`Corpus.summary`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import CompanionError, DataError
from .files import write_atomically
from .song import Note, Song, Tempo, TimeSignature, Track
from .theory import BACH_REGISTERS, JAZZ_REGISTERS, JSB_LOWEST_PITCH, RESOLUTION  # noqa: F401 (JSB_LOWEST_PITCH re-exported)

SPLITS = ("train", "valid", "test")
BENCHMARK_CORPORA = ("jsb", "nottingham", "musedata", "pianomidi")
CORPORA = ("bach", *BENCHMARK_CORPORA, "jazz", "folder")
BACH_VOICES = ("Soprano", "Alto", "Tenor", "Bass")
BACH_PROGRAM = 52  # General MIDI "Choir Aahs"
_CACHE_VERSION = 1


@dataclass
class Corpus:
    """A named corpus split into ``train``/``valid``/``test`` lists of songs.

    Attributes:
        name: ``bach``, ``jsb``, ``jazz`` or ``folder``.
        splits: split name -> songs.
        frames: for ``jsb`` only, split name -> list of (frames, 88) uint8 arrays, the benchmark's
            own data (MIDI 21..108, one frame per quarter note).
        source: where the data came from (a path or a description).
        skipped: (file, reason) for each file of a ``folder`` that could not be read.
    """

    name: str
    splits: dict[str, list[Song]]
    frames: dict[str, list[np.ndarray]] | None = None
    source: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    published: list[dict] = field(default_factory=list)
    track: tuple[str, int] | None = None

    @property
    def train(self) -> list[Song]:
        return self.splits["train"]

    @property
    def valid(self) -> list[Song]:
        return self.splits["valid"]

    @property
    def test(self) -> list[Song]:
        return self.splits["test"]

    @property
    def songs(self) -> list[Song]:
        """Every song, train then valid then test."""
        return [s for split in SPLITS for s in self.splits[split]]

    def summary(self) -> dict:
        """Counts of pieces, bars, notes, tracks and split sizes (what ``companion data`` prints)."""
        songs = self.songs
        track_counts = Counter(len(s.tracks) for s in songs)
        out = {
            "corpus": self.name,
            "source": self.source,
            "pieces": len(songs),
            "splits": {k: len(v) for k, v in self.splits.items()},
            "bars": sum(s.num_bars for s in songs),
            "notes": sum(s.num_notes for s in songs),
            "tracks_per_piece": {str(k): v for k, v in sorted(track_counts.items())},
            "track_names": sorted({t.name for s in songs for t in s.tracks})[:20],
            "pieces_with_chord_labels": sum(1 for s in songs if s.chords),
            "chord_labels": sum(len(s.chords) for s in songs),
            "seconds": round(sum(s.duration_seconds for s in songs), 1),
        }
        if self.frames is not None:
            out["frames"] = {k: int(sum(len(f) for f in v)) for k, v in self.frames.items()}
        if self.skipped:
            out["skipped"] = [{"file": f, "reason": r} for f, r in self.skipped]
        return out


def registers_for(corpus: str) -> dict[str, tuple[int, int]] | None:
    """Track name -> inclusive register of a corpus (``bach``: SATB ranges; ``jazz``: its known
    registers), or None where a corpus has no fixed parts."""
    if corpus == "bach":
        return dict(BACH_REGISTERS)
    if corpus == "jazz":
        return dict(JAZZ_REGISTERS)
    return None


def cache_dir() -> Path:
    """Where corpora are cached: ``$COMPANION_CACHE``, else ``$XDG_CACHE_HOME/companion``, else
    ``~/.cache/companion``."""
    if os.environ.get("COMPANION_CACHE"):
        return Path(os.environ["COMPANION_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "companion"


def split_songs(songs: list[Song], seed: int = 0, fractions: tuple[float, float] = (0.1, 0.1)) -> dict[str, list[Song]]:
    """Seeded split by piece: a permutation of the songs (sorted by title first, so the split does
    not depend on load order), ``fractions`` of it to valid and test, the rest to train."""
    ordered = sorted(songs, key=lambda s: s.title)
    order = np.random.default_rng(seed).permutation(len(ordered))
    n_valid = int(round(len(ordered) * fractions[0]))
    n_test = int(round(len(ordered) * fractions[1]))
    if len(ordered) - n_valid - n_test < 1:
        n_valid = n_test = 0
    picked = [ordered[i] for i in order]
    return {
        "train": picked[n_valid + n_test :],
        "valid": picked[:n_valid],
        "test": picked[n_valid : n_valid + n_test],
    }


def load_corpus(name: str, *, path: str | os.PathLike | None = None, seed: int = 0, **options) -> Corpus:
    """Load a corpus by name.

    Args:
        name: ``bach`` (default of the course), ``jsb``, ``nottingham``, ``musedata``, ``pianomidi``,
            ``jazz`` or ``folder``.
        path: for a benchmark, another file of its format to read instead of the shipped one; the
            folder for ``folder`` (required).
        seed: split seed (and generation seed for ``jazz``).
        **options: ``num_bars`` for ``jazz`` (default 3,000); ``cache`` (default True) for ``bach``.

    Raises:
        DataError: unknown corpus, missing or malformed file, failed checksum, empty folder.
    """
    if name == "bach":
        return load_bach(seed=seed, cache=options.get("cache", True))
    if name in BENCHMARK_CORPORA:
        return load_polyphonic(name, path)
    if name == "jazz":
        return load_jazz(num_bars=options.get("num_bars", 3000), seed=seed)
    if name == "folder":
        if path is None:
            raise DataError("folder: a path is required (the folder of .mid files)")
        return load_folder(path, seed=seed)
    raise DataError(f"unknown corpus {name!r}; choose one of {', '.join(CORPORA)}")


# ------------------------------------------------------------------- bach
def load_bach(seed: int = 0, cache: bool = True) -> Corpus:
    """The four-part Bach chorales of music21's corpus, cached after the first parse."""
    import music21

    cache_file = cache_dir() / f"bach-v{_CACHE_VERSION}-music21-{music21.__version__}.npz"
    songs = _read_song_cache(cache_file) if cache and cache_file.exists() else None
    if songs is None:
        songs = _parse_bach()
        if cache:
            _write_song_cache(cache_file, songs)
    return Corpus("bach", split_songs(songs, seed), source=f"music21 {music21.__version__} corpus (bach)")


def _parse_bach(limit: int | None = None) -> list[Song]:
    """Parse the four-part chorales from music21's corpus (the first ``limit`` only, for tests)."""
    from music21 import corpus

    from .interop import from_music21

    songs = []
    seen = set()
    # MusicXML first, so a chorale stored twice (.krn and .mxl) is read from the MusicXML.
    for file in sorted(corpus.getComposer("bach"), key=lambda f: (f.stem, f.suffix != ".mxl", f.suffix)):
        if file.suffix not in (".mxl", ".xml", ".krn") or file.stem in seen:
            continue
        score = corpus.parse(file)
        if len(score.parts) != 4:
            continue
        seen.add(file.stem)
        song = from_music21(score, title=file.stem, program=BACH_PROGRAM)
        for track, voice in zip(song.tracks, BACH_VOICES):
            track.name = voice
        songs.append(song)
        if limit is not None and len(songs) >= limit:
            break
    return songs


def _write_song_cache(file: Path, songs: list[Song]) -> None:
    """Store songs as one int32 note table plus JSON metadata (no pickles: loads with
    ``allow_pickle=False``). Written atomically, so a crash leaves no half file; a cache that cannot
    be written (read-only or full disk) is skipped: the songs are still returned, just not cached."""
    rows = [
        (si, ti, n.start, n.pitch, n.duration, n.velocity)
        for si, s in enumerate(songs)
        for ti, t in enumerate(s.tracks)
        for n in t.notes
    ]
    meta = [
        {
            "title": s.title,
            "resolution": s.resolution,
            "tempos": [[t.tick, t.bpm] for t in s.tempos],
            "time_signatures": [[t.tick, t.numerator, t.denominator] for t in s.time_signatures],
            "tracks": [[t.name, t.program, t.is_drum] for t in s.tracks],
        }
        for s in songs
    ]
    notes = np.asarray(rows, dtype=np.int32).reshape(-1, 6)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(file, lambda temporary: np.savez(temporary, notes=notes, meta=np.array(json.dumps(meta))))
    except (OSError, CompanionError):
        pass  # no cache this time; the next load parses again


def _read_song_cache(file: Path) -> list[Song] | None:
    """The songs of a cache file, or None when it is damaged in any way (truncated, emptied,
    inconsistent): a damaged cache is rebuilt, never trusted and never an error."""
    try:
        with np.load(file, allow_pickle=False) as archive:
            rows, meta = archive["notes"], json.loads(str(archive["meta"]))
        songs = [
            Song(
                tracks=[Track(name, program, bool(drum)) for name, program, drum in m["tracks"]],
                resolution=m["resolution"],
                tempos=[Tempo(int(t), float(b)) for t, b in m["tempos"]],
                time_signatures=[TimeSignature(*ts) for ts in m["time_signatures"]],
                title=m["title"],
            )
            for m in meta
        ]
        for si, ti, start, pitch, duration, velocity in rows.tolist():
            if si < 0 or ti < 0:
                return None
            songs[si].tracks[ti].notes.append(Note(start, pitch, duration, velocity))
    except Exception:  # zip, npy, JSON, shape and index errors all mean the same: rebuild it
        return None
    return songs


# ------------------------------------------------------------------- polyphonic benchmarks
def load_polyphonic(name: str = "jsb", path: str | os.PathLike | None = None) -> Corpus:
    """A classic polyphonic benchmark with its standard split: ``jsb`` (229/76/77 chorales),
    ``nottingham``, ``musedata`` or ``pianomidi``, from the file shipped in the package
    (:mod:`companion.polyphonic`, sha256-checked; no network).

    ``path`` reads any other file of the format (``.mat`` or plain ``.pickle``) instead. Unless it is
    byte-identical to the shipped file, the corpus is then labelled as such: ``source`` names the file,
    ``published`` is empty (a published table belongs to the benchmark, not to a file of its format)
    and the tracks take the file's name.
    """
    from . import polyphonic

    if name not in polyphonic.BENCHMARKS:
        raise DataError(f"unknown benchmark {name!r}; choose one of {', '.join(polyphonic.BENCHMARKS)}")
    bench = polyphonic.BENCHMARKS[name]
    file = Path(path) if path is not None else polyphonic.shipped_file(name)
    frames = polyphonic.read_frames(file)
    is_benchmark = path is None or polyphonic.sha256(file) == bench.sha256
    track = bench.track if is_benchmark else (file.stem, 0)
    splits = {
        split: [
            frames_to_song(f, title=f"{file.stem}-{split}-{i:03d}", track=track) for i, f in enumerate(frames[split])
        ]
        for split in SPLITS
    }
    source = f"{bench.title} (shipped, sha256 {bench.sha256[:12]})" if path is None else str(file)
    if not is_benchmark:
        source = f"{file} (a file in the {bench.title} format, not the benchmark itself)"
    corpus = Corpus(name, splits, frames=frames, source=source)
    corpus.published = bench.published_table() if is_benchmark else []
    corpus.track = track
    return corpus


def load_jsb(path: str | os.PathLike | None = None) -> Corpus:
    """The standard JSB Chorales split (shipped; see :func:`load_polyphonic`)."""
    return load_polyphonic("jsb", path)


def frames_to_song(
    frames: np.ndarray,
    title: str = "",
    resolution: int = RESOLUTION,
    bpm: float = 100.0,
    track: tuple[str, int] = ("Chorale", BACH_PROGRAM),
) -> Song:
    """Binary frames (time, 88 keys from A0; one frame a beat) as a one-track Song named ``track``
    (name, General MIDI program); a pitch held over consecutive frames becomes one note (the frames
    cannot tell held from repeated). The conversion is the codec's, done once:
    :func:`companion.codecs.events.frames.frames_to_song`."""
    from .codecs.events.frames import frames_to_song as convert

    return convert(frames, [(track[0], int(track[1]), False)], bpm, title=title, resolution=resolution)


# ------------------------------------------------------------------- jazz
def load_jazz(num_bars: int = 3000, seed: int = 0) -> Corpus:
    """The procedural jazz corpus (synthetic; see :mod:`companion.jazz`)."""
    from .jazz import generate_corpus

    songs = generate_corpus(num_bars=num_bars, seed=seed)
    return Corpus("jazz", split_songs(songs, seed), source=f"companion.jazz procedural, seed {seed}")


# ------------------------------------------------------------------- folder
def load_folder(path: str | os.PathLike, seed: int = 0) -> Corpus:
    """Every MIDI file under ``path`` (recursively), read leniently (repairs allowed); files that
    cannot be read are kept in ``corpus.skipped`` with the reason."""
    from .midi import read_midi

    folder = Path(path)
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder")
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".mid", ".midi") and p.is_file())
    songs, skipped = [], []
    for file in files:
        try:
            song = read_midi(file, strict=False)
        except CompanionError as exc:
            skipped.append((str(file), str(exc)))
            continue
        song.title = str(file.relative_to(folder))
        if song.num_notes:
            songs.append(song)
        else:
            skipped.append((str(file), "no notes"))
    if not songs:
        raise DataError(f"{folder}: no readable MIDI files with notes ({len(files)} .mid/.midi file(s) found)")
    return Corpus("folder", split_songs(songs, seed), source=str(folder), skipped=skipped)
