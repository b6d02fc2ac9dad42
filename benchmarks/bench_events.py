"""Benchmark of the event codec of lesson 05 (:mod:`companion.codecs.events`) on the course corpora,
next to MidiTok's REMI tokenizer when MidiTok is installed.

Run from the repository root::

    python benchmarks/bench_events.py            # bach (365 chorales), jazz (54 pieces), jsb (382 pieces)
    python benchmarks/bench_events.py --quick    # the first 40 pieces of each corpus
    python benchmarks/bench_events.py --no-miditok

MidiTok is *not* a dependency of the package; it is only the yardstick here (``pip install miditok``,
3.x). Its REMI tokenizer runs with its defaults (357 tokens: 8 positions per beat for the first 4
beats of a duration, 32 velocities, no chords, no programs), fed the same songs as MIDI bytes read by
symusic; the MIDI conversion is timed apart from tokenizing.

A script, not a test: it prints figures and asserts nothing about time. Times are wall-clock
(``time.perf_counter``), the median of ``--repeats`` runs, one thread. ``exact`` counts notes that
come back with the same track, start, pitch and duration (in beats).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    import companion  # noqa: F401
except ModuleNotFoundError:  # a checkout without `pip install -e .`: use the repository next door
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from companion.codecs.events import VOCAB, EventCodec, vocabulary_breakdown
from companion.data import load_corpus
from companion.midi import midi_bytes
from companion.song import Song

JSB_PATH = Path(__file__).resolve().parents[2] / "shared" / "data" / "polyphonic" / "JSB_Chorales.mat"
QUICK = 40


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _exact_notes(songs: list[Song], decoded: list[Song], codec: EventCodec) -> tuple[int, int]:
    total = kept = 0
    for song, back in zip(songs, decoded):
        for a, b in zip(codec._kept_tracks(song), back.tracks):
            ca = Counter((n.start, n.pitch, n.duration) for n in a.notes)
            cb = Counter((n.start, n.pitch, n.duration) for n in b.notes)
            total += sum(ca.values())
            kept += sum((ca & cb).values())
    return kept, total


def bench_ours(name: str, songs: list[Song], repeats: int) -> dict:
    codec = EventCodec(quantize=False)
    encode_s, tokens = timed(lambda: [codec.encode(s) for s in songs], repeats)
    decode_s, decoded = timed(lambda: [codec.decode(t) for t in tokens], repeats)
    plain = EventCodec(chords=False, quantize=False)
    plain_s, _ = timed(lambda: [plain.encode(s) for s in songs], repeats)
    kept, total = _exact_notes(songs, decoded, codec)
    n_tokens = sum(len(t) for t in tokens)
    return {
        "corpus": name, "codec": "companion events", "vocab": len(VOCAB), "pieces": len(songs),
        "tokens": n_tokens, "tokens_per_note": n_tokens / max(total, 1), "encode_s": encode_s,
        "encode_no_chords_s": plain_s, "decode_s": decode_s, "exact": kept, "notes": total,
    }  # fmt: skip


def bench_frames(frames: list, repeats: int) -> dict:
    codec = EventCodec()
    codec.fit_frames(frames)
    encode_s, encoded = timed(lambda: [codec.encode_frames(f)[0] for f in frames], repeats)
    decode_s, decoded = timed(lambda: [codec.decode_frames(t) for t in encoded], repeats)
    same = sum(int((a == b).all()) for a, b in zip(frames, decoded))
    n_frames = sum(len(f) for f in frames)
    n_tokens = sum(len(t) for t in encoded)
    return {
        "corpus": "jsb frames", "codec": "companion events", "vocab": len(VOCAB), "pieces": len(frames),
        "tokens": n_tokens, "tokens_per_frame": n_tokens / n_frames, "encode_s": encode_s, "decode_s": decode_s,
        "exact_pieces": same,
    }  # fmt: skip


def bench_miditok(name: str, songs: list[Song], repeats: int) -> dict | None:
    try:
        import symusic
        from miditok import REMI
    except ImportError:
        return None
    tokenizer = REMI()
    midi_s, scores = timed(lambda: [symusic.Score.from_midi(midi_bytes(s)) for s in songs], repeats)
    encode_s, tokens = timed(lambda: [tokenizer(sc) for sc in scores], repeats)
    ids = [[list(seq.ids) for seq in t] for t in tokens]  # decode() rewrites TokSequences in place: keep ids
    decode_s, decoded = timed(lambda: [tokenizer.decode(i) for i in ids], repeats)
    total = kept = 0
    for score, back in zip(scores, decoded):
        # REMI's defaults give one token sequence per track; compare track by track, in beats
        q, r = score.ticks_per_quarter, back.ticks_per_quarter
        for ta, tb in zip(score.tracks, back.tracks):
            a = Counter((n.time / q, n.pitch, n.duration / q) for n in ta.notes)
            b = Counter((n.time / r, n.pitch, n.duration / r) for n in tb.notes)
            total += sum(a.values())
            kept += sum((a & b).values())
    n_tokens = sum(len(seq) for t in ids for seq in t)
    return {
        "corpus": name, "codec": "MidiTok REMI", "vocab": len(tokenizer), "pieces": len(songs), "tokens": n_tokens,
        "tokens_per_note": n_tokens / max(total, 1), "midi_to_score_s": midi_s, "encode_s": encode_s,
        "decode_s": decode_s, "exact": kept, "notes": total,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"the first {QUICK} pieces of each corpus")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-miditok", action="store_true", help="skip the MidiTok comparison")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"platform : {platform.platform()} ({platform.machine()}), {os.cpu_count()} cpus")
    print(f"python   : {platform.python_version()}; miditok {_version('miditok')}, symusic {_version('symusic')}")
    print(f"vocabulary: {len(VOCAB)} event tokens {vocabulary_breakdown()}")
    rows = []
    for name in ("bach", "jazz"):
        songs = load_corpus(name).songs
        songs = songs[:QUICK] if args.quick else songs
        rows.append(bench_ours(name, songs, args.repeats))
        if not args.no_miditok:
            row = bench_miditok(name, songs, args.repeats)
            if row is None:
                print("MidiTok is not installed (pip install miditok): no comparison")
            else:
                rows.append(row)
    if JSB_PATH.exists():
        corpus = load_corpus("jsb", path=JSB_PATH)
        frames = [f for split in ("train", "valid", "test") for f in corpus.frames[split]]
        rows.append(bench_frames(frames[:QUICK] if args.quick else frames, args.repeats))
    print()
    header = f"{'corpus':<11}{'codec':<18}{'vocab':>6}{'pieces':>7}{'tokens':>9}{'tok/note':>9}"
    header += f"{'encode s':>10}{'decode s':>10}{'ms/piece':>10}  exact"
    print(header)
    for r in rows:
        per = r.get("tokens_per_note", r.get("tokens_per_frame"))
        exact = f"{r['exact']}/{r['notes']} notes" if "exact" in r else f"{r['exact_pieces']}/{r['pieces']} pieces"
        ms = 1000 * (r["encode_s"] + r["decode_s"]) / r["pieces"]
        print(f"{r['corpus']:<11}{r['codec']:<18}{r['vocab']:>6}{r['pieces']:>7}{r['tokens']:>9}{per:>9.2f}"
              f"{r['encode_s']:>10.3f}{r['decode_s']:>10.3f}{ms:>10.2f}  {exact}")  # fmt: skip
    for r in rows:
        if "encode_no_chords_s" in r:
            print(f"{r['corpus']}: encode without Chord tokens {r['encode_no_chords_s']:.3f} s "
                  f"(the rest is the template chord recogniser or ground-truth labels)")  # fmt: skip
        if "midi_to_score_s" in r:
            print(f"{r['corpus']}: MidiTok input, Song -> MIDI bytes -> symusic Score {r['midi_to_score_s']:.3f} s")
    print("tok/note: tokens per note (jsb: per frame). MidiTok REMI (defaults) writes one sequence per track,")
    print("with no chords, programs or drum flag; 'exact' compares notes track by track in beats, drums included.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
