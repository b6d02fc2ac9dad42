"""The command line: ``python -m companion VERB ...``.

Verbs (later lessons add ``train``, ``generate``, ``evaluate`` to the same parser)::

    python -m companion data CORPUS [--path P] [--seed S] [--json]
    python -m companion inspect FILE.mid [--json]
    python -m companion demo [--out DIR] [--corpus C] [--seed S]

Exit status: 0 ok; 2 bad input, with ONE line on stderr naming the file and the problem (no
traceback); 1 only for a bug. ``--json`` prints one JSON object on stdout and nothing else there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import CompanionError


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="companion", description="Diminishing returns: the course's companion tools.")
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    data = verbs.add_parser("data", help="counts of a corpus: pieces, bars, notes, tracks, splits")
    data.add_argument("corpus", choices=("bach", "jsb", "jazz", "folder"))
    data.add_argument("--path", help="the .mat/.pickle file (jsb) or the folder (folder)")
    data.add_argument("--seed", type=int, default=0, help="split seed (and generation seed for jazz)")
    data.add_argument("--json", action="store_true", help="print one JSON object")

    inspect = verbs.add_parser("inspect", help="tracks, notes, tempo, time signature and length of a MIDI file")
    inspect.add_argument("file")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")

    demo = verbs.add_parser("demo", help="the main job: hear, see and measure the representations")
    demo.add_argument("--out", default="demo-out", help="output folder (default: demo-out)")
    demo.add_argument("--corpus", default="bach", choices=("bach", "jazz"))
    demo.add_argument("--seed", type=int, default=0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.verb == "data":
            return _data(args)
        if args.verb == "inspect":
            return _inspect(args)
        if args.verb == "demo":
            return _demo(args)
    except CompanionError as exc:
        print(f"companion: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("companion: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `companion data bach --json | head`
        sys.stderr.close()
        return 0
    return 1


def _data(args) -> int:
    from .data import load_corpus

    summary = load_corpus(args.corpus, path=args.path, seed=args.seed).summary()
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"corpus {summary['corpus']}  ({summary['source']})")
    for key in ("pieces", "bars", "notes", "seconds", "chord_labels"):
        print(f"  {key:<14}{summary[key]:>12,}")
    print(f"  {'splits':<14}" + "  ".join(f"{k} {v}" for k, v in summary["splits"].items()))
    print(f"  {'tracks/piece':<14}" + "  ".join(f"{k}: {v}" for k, v in summary["tracks_per_piece"].items()))
    if "frames" in summary:
        print(f"  {'frames':<14}" + "  ".join(f"{k} {v}" for k, v in summary["frames"].items()))
    for skipped in summary.get("skipped", []):
        print(f"  skipped {skipped['file']}: {skipped['reason']}")
    return 0


def _inspect(args) -> int:
    from .midi import read_midi

    repairs: list[str] = []
    song = read_midi(args.file, strict=False, repairs=repairs)
    info = song.summary() | {"file": args.file, "repairs": len(repairs), "repair_examples": repairs[:5]}
    if args.json:
        print(json.dumps(info))
        return 0
    print(
        f"{args.file}: {info['seconds']} s, {info['bars']} bars, {info['notes']} notes, "
        f"{info['resolution']} ticks per beat"
    )
    print(
        f"  tempo (bpm): {', '.join(map(str, info['tempos_bpm']))}   time signature: "
        f"{', '.join(info['time_signatures'])}"
    )
    for t in info["tracks"]:
        kind = "drums" if t["is_drum"] else f"program {t['program']}"
        print(f"  {t['name']:<24}{kind:<14}{t['notes']:>7} notes")
    if repairs:
        print(f"  repaired {len(repairs)} problem(s), e.g. {repairs[0]}")
    return 0


def _demo(args) -> int:
    from .demo import run_demo

    summary = run_demo(Path(args.out), corpus=args.corpus, seed=args.seed)
    print(f"{summary['piece']} ({summary['corpus']['corpus']}), first {summary['bars']} bars:")
    print(f"  {'version':<20}{'notes':>7}{'exact %':>9}{'pitches':>9}")
    for row in summary["table"]:
        print(f"  {row['version']:<20}{row['notes']:>7}{row['notes_exact_pct']:>9}{row['pitches_used']:>9}")
    print(f"wrote {len(summary['files'])} files to {args.out}/ (summary.json lists them)")
    return 0
