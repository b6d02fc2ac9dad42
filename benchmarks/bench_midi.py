"""Benchmark of the MIDI reader's cost and guards (issue 13): the start-up time of
``python -m companion inspect`` (which never imports torch), and :func:`companion.read_midi`'s
throughput beside mido's own parse on synthetic files of 20 KB to 1.6 MB, plus how fast the guards
refuse the issue's hostile files.

Run from the repository root::

    python benchmarks/bench_midi.py              # 5 repeats per figure
    python benchmarks/bench_midi.py --repeats 3

A script, not a test: it prints figures and asserts nothing about time. Times are wall-clock
(``time.perf_counter``), the median of ``--repeats`` runs; ``inspect`` is timed as a fresh process,
interpreter start-up included. read_midi = the package's own bounded reader (:func:`companion.midi._tracks`)
and building the Song; mido = `mido.MidiFile` alone (message objects, no Song).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

try:
    import companion  # noqa: F401
except ModuleNotFoundError:  # a checkout without `pip install -e .`: use the repository next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mido

from companion import MidiError, Note, Song, Track, read_midi
from companion.midi import midi_bytes

ROOT = Path(__file__).resolve().parents[1]


def song_of(notes: int) -> Song:
    """A piano-like song: one track, ``notes`` notes of 50 ticks every 60 ticks over 40 pitches."""
    return Song([Track("piano", 0, False, [Note(i * 60, 40 + i % 40, 50, 80) for i in range(notes)])])


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def inspect_seconds(path: Path, repeats: int) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "companion", "inspect", str(path)]
    return median_seconds(lambda: subprocess.run(command, check=True, capture_output=True, env=env), repeats)


def refused_seconds(data: bytes) -> float:
    started = time.perf_counter()
    try:
        read_midi(data, strict=False)
    except MidiError:
        return time.perf_counter() - started
    raise SystemExit("a hostile file was not refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"platform : {platform.platform()} ({platform.machine()}), {os.cpu_count()} CPUs")
    print(f"python   : {platform.python_implementation()} {platform.python_version()}, mido {version('mido')}")
    print(f"mode     : median of {args.repeats} run(s)\n")

    with tempfile.TemporaryDirectory() as folder:
        tiny, big = Path(folder) / "tiny.mid", Path(folder) / "200k.mid"
        tiny.write_bytes(midi_bytes(song_of(16)))
        big.write_bytes(midi_bytes(song_of(25_000)))
        print(f"{'inspect (fresh process)':<34}{'bytes':>10}{'median s':>10}")
        print(f"{'-' * 33:<34}{'-' * 9:>10}{'-' * 9:>10}")
        for path in (tiny, big):
            print(f"{'inspect ' + path.name:<34}{path.stat().st_size:>10,}{inspect_seconds(path, args.repeats):>10.3f}")

    heads = f"{'bytes':>11}{'notes':>9}{'read_midi s':>13}{'mido s':>9}{'read_midi MB/s':>16}{'mido MB/s':>11}"
    print(f"\n{'read':<12}{heads}")
    print("-" * 81)
    for notes in (2_500, 25_000, 200_000):
        data = midi_bytes(song_of(notes))
        ours = median_seconds(lambda data=data: read_midi(data), args.repeats)
        theirs = median_seconds(lambda data=data: mido.MidiFile(file=io.BytesIO(data)), args.repeats)
        print(f"{'':<12}{len(data):>11,}{notes:>9,}{ours:>13.3f}{theirs:>9.3f}"
              f"{len(data) / ours / 1e6:>16.2f}{len(data) / theirs / 1e6:>11.2f}")  # fmt: skip

    flood = midi_bytes(song_of(700_000))
    mthd = b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60"

    def mtrk(body: bytes) -> bytes:
        return b"MTrk" + len(body).to_bytes(4, "big") + body

    hostile = {
        "2,100-byte delta time (row 1)": mthd + mtrk(b"\x81" * 2100 + b"\x00\x90\x3c\x50"),
        "300 KB of 0xFF in a track (row 2)": mthd + mtrk(b"\x00\x90\x3c\x40\x00\xff" + b"\xff" * 300_000),
        f"{len(flood) / 1e6:.1f} MB, 700,000 notes (row 3)": flood,
    }
    print(f"\n{'refused hostile file':<40}{'bytes':>11}{'s':>9}")
    print("-" * 60)
    for name, data in hostile.items():
        print(f"{name:<40}{len(data):>11,}{refused_seconds(data):>9.3f}")


if __name__ == "__main__":
    main()
