"""Fuzzing the MIDI reader: any bytes give a Song or a MidiError -- never another exception, a hang
or a giant allocation.

Two kinds of test: hypothesis on small byte strings in this process, and the hostile-input harness
of issue 13: 2,000 files made by seeded mutators of the kinds attackers and careless users produce
(over-long numbers, runs of 0xFF, huge gaps, floods of notes, impossible meters, keys and tempos,
cut and corrupted chunks), each read in a child process limited to 2 s and 1 GB of address space.
Run this file as a script (``python tests/test_midi_fuzz.py 2000``) to see the harness's figures.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import signal
import struct
import subprocess
import sys
from collections import Counter

import mido
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import MidiError, Note, Song, Tempo, TimeSignature, Track, read_midi
from companion.midi import midi_bytes

SECONDS_PER_FILE = 2
BYTES_PER_CHILD = 1 << 30


def _read_or_error(data: bytes) -> None:
    try:
        song = read_midi(data, strict=False)
    except MidiError as exc:
        assert str(exc).startswith("<bytes>:")
    else:
        assert isinstance(song, Song)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_random_bytes(data):
    _read_or_error(data)


@settings(max_examples=300, deadline=2000)
@given(st.binary(min_size=1, max_size=400))
def test_random_bytes_after_a_valid_header(tail):
    _read_or_error(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0" + tail)


@settings(max_examples=400, deadline=2000)
@given(st.data())
def test_mutations_of_a_real_file(data):
    raw = bytearray(seed_files()[0])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    _read_or_error(bytes(raw[:cut]) if data.draw(st.booleans()) else bytes(raw))


def test_2000_mutated_files_each_read_in_a_limited_child():
    # A fresh interpreter runs the harness, so each child starts small (this process may hold torch).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, __file__, "2000"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == 2000
    assert set(report["outcomes"]) <= {"song", "MidiError"}, report["examples"]
    assert report["outcomes"]["MidiError"] > 500 and report["outcomes"]["song"] > 100  # both paths exercised
    assert len(report["mutators"]) == len(MUTATORS)


# ---------------------------------------------------------------- seed files
def seed_files() -> list[bytes]:
    """Valid files to mutate: the writer's type 1 output and a hand-made type 0 file with running
    status, sysex, pitch bend, key signature, chord marker and a tempo change."""
    song = Song(
        [
            Track("a", 0, False, [Note(i * 120, 60 + i % 12, 120, 80) for i in range(16)]),
            Track("d", 0, True, [Note(i * 240, 42, 60, 90) for i in range(8)]),
        ],
        tempos=[Tempo(0, 120.0), Tempo(960, 80.0)],
        time_signatures=[TimeSignature(0, 3, 4)],
    )
    track = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name="piano"),
            mido.MetaMessage("key_signature", key="Eb"),
            mido.MetaMessage("set_tempo", tempo=600_000),
            mido.Message("sysex", data=[0x7E, 0x7F, 0x09, 0x01]),
            mido.Message("program_change", channel=0, program=5),
            mido.MetaMessage("marker", text="chord:C:480"),
        ]
        + [
            msg
            for i in range(24)
            for msg in (
                mido.Message("note_on", channel=i % 2, note=48 + i, velocity=70, time=10),
                mido.Message("pitchwheel", channel=0, pitch=i * 100, time=5),
                mido.Message("note_on", channel=i % 2, note=48 + i, velocity=0, time=100),
            )
        ]
    )
    buffer = io.BytesIO()
    mido.MidiFile(type=0, ticks_per_beat=480, tracks=[track]).save(file=buffer)
    return [midi_bytes(song), buffer.getvalue()]


# ---------------------------------------------------------------- seeded mutators
def _track_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each MTrk chunk's body."""
    spans, pos = [], 14
    while pos + 8 <= len(data):
        size = struct.unpack(">L", data[pos + 4 : pos + 8])[0]
        if data[pos : pos + 4] == b"MTrk":
            spans.append((pos + 8, min(pos + 8 + size, len(data))))
        pos += 8 + size
    return spans


def _insert_in_track(data: bytes, rng: random.Random, payload: bytes, fix_length: bool = True) -> bytes:
    """Insert ``payload`` at the start of a random track body (an event boundary), keeping the chunk
    length right (or not)."""
    start, end = rng.choice(_track_spans(data))
    out = bytearray(data[:start] + payload + data[start:])
    if fix_length:
        out[start - 4 : start] = struct.pack(">L", end - start + len(payload))
    return bytes(out)


def overlong_number(data, rng):  # row 1
    return _insert_in_track(
        data, rng, bytes([rng.randrange(0x80, 0x100)]) * rng.randrange(5, 3000) + b"\x00\x90\x3c\x40"
    )


def run_of_ff(data, rng):  # row 2
    return _insert_in_track(data, rng, b"\x00\xff" + b"\xff" * rng.randrange(10, 30_000), fix_length=rng.random() < 0.5)


def flood_of_notes(data, rng):  # row 3
    note = bytes([0, 0x90, rng.randrange(128), 64, rng.randrange(1, 4), 0x80, 0x3C, 0])
    return _insert_in_track(data, rng, note * rng.randrange(100, 3000))


def impossible_meter(data, rng):  # row 5
    meter = bytes([rng.choice([0, 1, 4, 255]), rng.choice([0, 2, 7, 8, 31, 255]), 24, 8])
    return _insert_in_track(data, rng, b"\x00\xff\x58" + bytes([rng.choice([4, 2, 0])]) + meter)


def impossible_key(data, rng):  # row 6
    return _insert_in_track(data, rng, b"\x00\xff\x59\x02" + bytes([rng.randrange(256), rng.randrange(256)]))


def huge_gap(data, rng):  # row 9
    gap = rng.choice([0x0FFFFFFF, 999_000 * 480, rng.randrange(1 << 28)])
    out = [0x80 | ((gap >> s) & 0x7F) for s in (21, 14, 7)] + [gap & 0x7F]
    return _insert_in_track(data, rng, bytes(out) + b"\x90\x3c\x40\x01\x80\x3c\x00")


def extreme_tempo(data, rng):  # row 16
    value = rng.choice([0, 1, 0xFFFFFF, rng.randrange(1 << 24)])
    return _insert_in_track(data, rng, b"\x00\xff\x51\x03" + value.to_bytes(3, "big"))


def flipped_bytes(data, rng):
    out = bytearray(data)
    for _ in range(rng.randrange(1, 12)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def truncated(data, rng):
    return data[: rng.randrange(len(data))]


def corrupt_lengths(data, rng):
    out = bytearray(data)
    start, _ = rng.choice(_track_spans(data))
    out[start - 4 : start] = struct.pack(">L", rng.choice([0, 1, 0xFFFFFFFF, rng.randrange(1 << 32)]))
    if rng.random() < 0.3:
        out[10:12] = struct.pack(">H", rng.choice([0, 2, 65535]))  # the header's track count
    return bytes(out)


def random_insertion(data, rng):
    pos = rng.randrange(14, len(data))
    return data[:pos] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))) + data[pos:]


def spliced(data, rng):
    other = rng.choice(seed_files())
    cut_a, cut_b = rng.randrange(14, len(data)), rng.randrange(14, len(other))
    return data[:cut_a] + other[cut_b:]


MUTATORS = [overlong_number, run_of_ff, flood_of_notes, impossible_meter, impossible_key, huge_gap, extreme_tempo,
            flipped_bytes, truncated, corrupt_lengths, random_insertion, spliced]  # fmt: skip


def mutated_files(count: int, seed: int = 13) -> list[tuple[str, bytes]]:
    """``count`` (mutator name, bytes): mutator i % len(MUTATORS) applied to a seed file, sometimes
    twice, each from its own seeded random stream."""
    seeds = seed_files()
    files = []
    for i in range(count):
        rng = random.Random(seed * 1_000_003 + i)
        mutator = MUTATORS[i % len(MUTATORS)]
        data = mutator(rng.choice(seeds), rng)
        if rng.random() < 0.25 and len(data) > 14:
            data = rng.choice(MUTATORS)(data, rng) if _track_spans(data) else flipped_bytes(data, rng)
        files.append((mutator.__name__, data))
    return files


# ---------------------------------------------------------------- the limited child
EXIT_CODES = {0: "song", 1: "MidiError", 2: "MemoryError"}


def read_in_child(data: bytes) -> str:
    """Read ``data`` in a forked child with at most 2 s and 1 GB; returns the outcome: ``song``,
    ``MidiError``, ``MemoryError``, ``hang`` or the name of any other exception."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits first, then the read; never returns
        os.close(read_end)
        code = 3
        try:
            resource.setrlimit(resource.RLIMIT_AS, (BYTES_PER_CHILD, BYTES_PER_CHILD))
            signal.alarm(SECONDS_PER_FILE)  # SIGALRM's default action ends the child: a hang
            try:
                read_midi(data, strict=False)
                code = 0
            except MidiError:
                code = 1
            except MemoryError:
                code = 2
            except BaseException as exc:  # noqa: BLE001 -- the very thing the harness counts
                os.write(write_end, type(exc).__name__.encode()[:200])
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        name = pipe.read().decode()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return "hang" if os.WTERMSIG(status) == signal.SIGALRM else f"killed by signal {os.WTERMSIG(status)}"
    return EXIT_CODES.get(os.WEXITSTATUS(status), name or "crash")


def run_harness(count: int) -> dict:
    import multiprocessing
    import time

    files = mutated_files(count)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        outcomes = pool.map(read_in_child, [data for _, data in files], chunksize=25)
    seconds = time.perf_counter() - started
    examples = {}
    for (mutator, data), outcome in zip(files, outcomes):
        if outcome not in ("song", "MidiError"):
            examples.setdefault(outcome, f"{mutator}: {data[:60].hex()}...")
    return {
        "files": len(files),
        "seconds": round(seconds, 2),
        "bytes": sum(len(d) for _, d in files),
        "outcomes": dict(Counter(outcomes)),
        "mutators": dict(Counter(m for m, _ in files)),
        "examples": examples,
    }


if __name__ == "__main__":
    print(json.dumps(run_harness(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)))
