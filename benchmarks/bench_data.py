"""Benchmark of the data path: corpus loading, roll encoding, MIDI and roll round trips, and the same
MIDI work done by mido alone and by pypianoroll, on the Bach chorales.

Run from the repository root::

    python benchmarks/bench_data.py            # full run (includes the uncached music21 parse)
    python benchmarks/bench_data.py --quick    # first 40 chorales, no uncached parse (seconds once the cache exists)
    python benchmarks/bench_data.py --out DIR  # keep the exported MIDI files in DIR

A script, not a test: it prints figures and asserts nothing about time. Times are wall-clock
(``time.perf_counter``), the median of ``--repeats`` runs except for the uncached parse (one run).
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    import companion  # noqa: F401
except ModuleNotFoundError:  # a checkout without `pip install -e .`: use the repository next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from companion.codecs import pianoroll
from companion.data import load_bach, load_corpus
from companion.interop import from_multitrack
from companion.midi import midi_bytes, read_midi, write_midi
from companion.song import Song

QUICK_SONGS = 40
PACKAGES = ("numpy", "music21", "pypianoroll", "mido", "pretty_midi")


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    """Lines describing where the figures come from."""
    return [
        f"platform : {platform.platform()} ({platform.machine()})",
        f"cpus     : {os.cpu_count()}",
        f"python   : {platform.python_implementation()} {platform.python_version()}",
        "packages : " + ", ".join(f"{p} {_version(p)}" for p in PACKAGES),
    ]


def timed(func: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall-clock seconds of ``repeats`` calls of ``func``, and the last call's result."""
    times, result = [], None
    for _ in range(max(repeats, 1)):
        result = None  # let the previous run's result go before the next, so peak memory is one run's
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def same_notes(a: Song, b: Song) -> bool:
    """The comparison of the round trips: the same tracks holding the same notes, canonical order."""
    return [t.notes for t in a.canonical().tracks] == [t.notes for t in b.canonical().tracks]


def flat_tempo(multitrack):
    """``multitrack`` with a 1-D tempo array. pypianoroll 1.0.4's ``read`` makes it 2-D, (steps, 1)
    (and 24 entries per beat whatever the resolution); under numpy 2 neither its own
    ``Multitrack.write`` (``float(hmean(tempo))``) nor ``companion.interop.from_multitrack``
    (``float(tempo[i])``) accepts that, both raise TypeError."""
    if multitrack.tempo is None or multitrack.tempo.ndim == 1:
        return multitrack
    multitrack = copy.copy(multitrack)
    multitrack.tempo = multitrack.tempo.reshape(-1)
    return multitrack


def agreement(songs: list[Song], back: list[Song]) -> str:
    """How many songs came back identical; when not all, the share of notes that did."""
    identical = sum(same_notes(a, b) for a, b in zip(songs, back, strict=True))
    text = f"{identical}/{len(songs)} identical"
    if identical < len(songs):
        exact = sum(
            len(set(t.notes) & set(u.notes))
            for a, b in zip(songs, back, strict=True)
            for t, u in zip(a.tracks, b.tracks, strict=False)
        )
        text += f" ({100 * exact / max(sum(s.num_notes for s in songs), 1):.1f}% of notes exact)"
    return text


def peak_rss_mb() -> float:
    """Peak resident memory of this process (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


class Table:
    """Rows of (figure, songs, median seconds, result) printed with aligned columns."""

    header = ("figure", "songs", "median s", "ms/song", "result")

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(self, figure: str, songs: int | None = None, seconds: float | None = None, result: str = "") -> None:
        per_song = f"{1000 * seconds / songs:.2f}" if seconds is not None and songs else ""
        self.rows.append(
            (figure, "" if songs is None else str(songs), "" if seconds is None else f"{seconds:.3f}", per_song, result)
        )
        print(f"  ... {figure}: {self.rows[-1][2] or '-'} s {result}", file=sys.stderr, flush=True)

    def render(self) -> str:
        rows = [self.header, *self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.header))]
        right = (False, True, True, True, False)

        def line(row: tuple[str, ...]) -> str:
            cells = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True)]
            return "  ".join(cells).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(self.header), rule, *(line(r) for r in self.rows)])


def run(out: Path, quick: bool, repeats: int) -> Table:
    table = Table()

    # ------------------------------------------------------------- loading
    if not quick:
        seconds, parsed = timed(lambda: load_bach(cache=False), 1)
        table.add("load bach, uncached (music21 parse)", len(parsed.songs), seconds, "1 run")
        parsed = None  # drop the parsed copy, so the figures below run on the same heap as --quick
        gc.collect()
    load_corpus("bach")  # make sure the cache exists before timing the cached load
    seconds, corpus = timed(lambda: load_corpus("bach"), repeats)
    songs = corpus.songs[:QUICK_SONGS] if quick else corpus.songs
    total = sum(s.num_notes for s in corpus.songs)
    table.add("load bach, cached (npz)", len(corpus.songs), seconds, f"{total:,} notes")

    # ------------------------------------------------------------- roll encoding
    for steps in (12, 24):
        seconds, rolls = timed(lambda steps=steps: [pianoroll.encode(s, steps, quantize=True) for s in songs], repeats)
        cells = sum(r.active.size for r in rolls)
        nbytes = sum(r.active.nbytes + r.onsets.nbytes + r.velocities.nbytes for r in rolls)
        table.add(f"roll encode, {steps} steps/beat", len(songs), seconds, f"{cells:,} cells, {nbytes / 1e6:.1f} MB")
        rolls = None  # free this grid's rolls before the next is made

    # ------------------------------------------------------------- round trips in memory
    seconds, blobs = timed(lambda: [midi_bytes(s) for s in songs], repeats)
    table.add("Song -> MIDI bytes (midi_bytes)", len(songs), seconds, f"{sum(map(len, blobs)) / 1e6:.2f} MB")
    seconds, back = timed(lambda: [read_midi(b) for b in blobs], repeats)
    table.add("MIDI bytes -> Song (read_midi)", len(songs), seconds, agreement(songs, back))

    def roll_round_trip() -> list[Song]:
        return [pianoroll.decode(pianoroll.encode(s, s.grid()), resolution=s.resolution) for s in songs]

    seconds, back = timed(roll_round_trip, repeats)
    table.add("Song -> roll -> Song (at song.grid())", len(songs), seconds, agreement(songs, back))

    # ------------------------------------------------------------- files: companion vs mido vs pypianoroll
    import mido
    import pypianoroll

    out.mkdir(parents=True, exist_ok=True)
    (out / "pypianoroll").mkdir(exist_ok=True)
    paths = [out / f"{s.title or f'song{i:03d}'}.mid" for i, s in enumerate(songs)]
    seconds, _ = timed(lambda: [write_midi(s, p) for s, p in zip(songs, paths, strict=True)], repeats)
    size = sum(p.stat().st_size for p in paths)
    table.add("write: companion.write_midi", len(songs), seconds, f"{size / 1e6:.2f} MB")

    seconds, back = timed(lambda: [read_midi(p) for p in paths], repeats)
    table.add("read: companion.read_midi", len(songs), seconds, agreement(songs, back))

    seconds, files = timed(lambda: [mido.MidiFile(p) for p in paths], repeats)
    messages = sum(len(track) for f in files for track in f.tracks)
    table.add("read: mido.MidiFile alone", len(songs), seconds, f"{messages:,} messages")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pretty_midi and pypianoroll warn about tempo/meta events
        seconds, multitracks = timed(lambda: [pypianoroll.read(p, resolution=12) for p in paths], repeats)
        multitracks = [flat_tempo(m) for m in multitracks]  # see flat_tempo: a pypianoroll 1.0.4 bug
        back = [from_multitrack(m, resolution=s.resolution) for m, s in zip(multitracks, songs, strict=True)]
        table.add("read: pypianoroll.read(resolution=12)", len(songs), seconds, agreement(songs, back))

        targets = [out / "pypianoroll" / p.name for p in paths]
        seconds, _ = timed(lambda: [m.write(str(t)) for m, t in zip(multitracks, targets, strict=True)], repeats)
        size = sum(t.stat().st_size for t in targets)
        table.add("write: pypianoroll Multitrack.write (*)", len(songs), seconds, f"{size / 1e6:.2f} MB")

    table.add("peak memory (ru_maxrss)", result=f"{peak_rss_mb():.0f} MB")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder for the exported MIDI files (default: a temp dir)")
    parser.add_argument("--quick", action="store_true", help=f"first {QUICK_SONGS} chorales, no uncached parse")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure; the median is reported")
    args = parser.parse_args(argv)

    print("\n".join(machine()))
    print(f"mode     : {'quick' if args.quick else 'full'}, median of {args.repeats} run(s)\n", flush=True)
    started = time.perf_counter()
    if args.out is not None:
        table = run(args.out, args.quick, args.repeats)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_data-") as tmp:
            table = run(Path(tmp), args.quick, args.repeats)
    print(table.render())
    print(
        "\n(*) pypianoroll 1.0.4's read gives a 2-D tempo array that neither its own Multitrack.write nor\n"
        "    companion.interop.from_multitrack accepts under numpy 2 (TypeError); it is flattened first,\n"
        "    outside the timing. 'identical': same notes, track by track, canonical order."
    )
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
