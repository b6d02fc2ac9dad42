"""The command line: ``python -m companion VERB ...``.

Verbs (later lessons add ``train``, ``generate``, ``evaluate`` to the same parser)::

    python -m companion data CORPUS [--path P] [--seed S] [--json]
    python -m companion inspect FILE.mid [--json]
    python -m companion train MODEL --corpus C [--path P] [--steps N] [--out CKPT] [--seed S] [--split-seed K]
                              [--resume] [--checkpoint-every N] [--device D]
    python -m companion generate CKPT [--bars N] [--seed S] [--temperature T] --out FILE.mid [--wav F] [--png F]
                                  [--device D]
    python -m companion evaluate CKPT --corpus C [--path P] [--split test] [--seed S] [--split-seed K] [--json]
                                  [--strict] [--excerpts N] [--device D]
    python -m companion ship CKPT.pt --corpus C [--path P] [--split-seed K] [--command "..."]
    python -m companion demo [--out DIR] [--corpus C] [--seed S]
    python -m companion student --out DIR [--notebooks DIR]
    python -m companion compare --corpus C [--budget-minutes M] [--seed S] [--out FILE.json] [--device D]

CKPT is a checkpoint file or the name of a shipped one, ``model:corpus`` (e.g. ``gpt-chords:jsb``).

Two seeds, kept apart: ``--split-seed`` says how ``bach``, ``jazz`` and ``folder`` are cut into
train/valid/test (give ``evaluate`` the same one as ``train``, default 0: the split of every shipped
checkpoint); ``--seed`` seeds training, sampling and generation. ``--threads N`` (train, generate,
evaluate, demo, compare) sets torch's CPU threads; on a shared or busy machine 1 is often fastest.
``--device auto|cpu|cuda|mps`` (train, generate, evaluate, compare; default ``auto``: CUDA or MPS
where present, else the CPU) says where the network runs. Seeds stay CPU generators and checkpoints
hold CPU tensors; the shipped figures and MIDI bytes are CPU ones (``--device cpu`` reproduces them
on a machine with a GPU); ``cpu_seconds`` stays a CPU figure, with the ``device`` recorded beside it.

Exit status: 0 ok; 2 bad input, with ONE line on stderr naming the file and the problem (no
traceback); 1 only for a bug; 130 for a ``train`` stopped by SIGINT/SIGTERM, after saving its
checkpoint (continue with ``--resume``). ``--json`` prints one JSON object on stdout and nothing
else there. Output files are written whole or not at all (a temporary file, then a rename).

``inspect`` and ``data`` never import torch (the verbs that need a model import it when they run).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import CompanionError

CORPUS_CHOICES = ("bach", "jsb", "nottingham", "musedata", "pianomidi", "jazz", "folder")
"""What ``--corpus`` takes (:data:`companion.data.CORPORA`, spelled here so the CLI starts without it)."""
PATH_HELP = "a benchmark corpus: another .mat/.pickle file of its format; folder: the folder"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="companion", description="Diminishing returns: the course's companion tools.")
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=_Parser)

    data = verbs.add_parser("data", help="counts of a corpus: pieces, bars, notes, tracks, splits")
    data.add_argument("corpus", choices=CORPUS_CHOICES)
    data.add_argument("--path", help=PATH_HELP)
    data.add_argument("--seed", type=int, default=0, help="split seed (and generation seed for jazz)")
    data.add_argument("--json", action="store_true", help="print one JSON object")

    inspect = verbs.add_parser("inspect", help="tracks, notes, tempo, time signature and length of a MIDI file")
    inspect.add_argument("file")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")

    from .zoo import MODELS

    torch_options = argparse.ArgumentParser(add_help=False)
    torch_options.add_argument("--threads", type=int, help="torch CPU threads (default: torch's own choice)")
    device_options = argparse.ArgumentParser(add_help=False)
    device_options.add_argument(
        "--device", default="auto", help="auto (CUDA or MPS where present, else CPU), cpu, cuda or mps (default auto)"
    )
    split_options = argparse.ArgumentParser(add_help=False)
    split_options.add_argument(
        "--split-seed", type=int, default=0, help="how the corpus is split into train/valid/test (default 0)"
    )

    train = verbs.add_parser(
        "train", help="train a model of the course on a corpus", parents=[torch_options, split_options, device_options]
    )
    train.add_argument("model", choices=tuple(MODELS))
    train.add_argument("--corpus", required=True, choices=CORPUS_CHOICES)
    train.add_argument("--path", help=PATH_HELP)
    train.add_argument("--steps", type=int, help="optimiser steps (default: the model's own)")
    train.add_argument(
        "--cpu-minutes", type=float, help="also stop after this many CPU minutes of training (default: the recipe's)"
    )
    train.add_argument("--out", help="checkpoint file (default: checkpoints/MODEL-CORPUS.pt)")
    train.add_argument("--seed", type=int, default=0, help="training seed (initialisation, batches)")
    train.add_argument("--resume", action="store_true", help="continue from --out if it exists")
    train.add_argument(
        "--checkpoint-every", type=int, metavar="N", help="save to --out every N steps (default: the model's own)"
    )

    generate = verbs.add_parser(
        "generate", help="generate music from a checkpoint", parents=[torch_options, device_options]
    )
    generate.add_argument("checkpoint", help="a .pt file or model:corpus of a shipped checkpoint")
    generate.add_argument("--bars", type=int, default=8)
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument(
        "--temperature", type=float, default=1.0, help="sampling temperature, a number from 0.05 to 10 (default 1)"
    )
    generate.add_argument("--out", required=True, help="the MIDI file to write")
    generate.add_argument("--wav", help="also render audio to this WAV file")
    generate.add_argument("--png", help="also draw the piano roll to this PNG file")

    evaluate = verbs.add_parser(
        "evaluate",
        help="likelihood and shared metrics of a checkpoint",
        parents=[torch_options, split_options, device_options],
    )
    evaluate.add_argument("checkpoint", help="a .pt file or model:corpus of a shipped checkpoint")
    evaluate.add_argument("--corpus", required=True, choices=CORPUS_CHOICES)
    evaluate.add_argument("--path", help=PATH_HELP)
    evaluate.add_argument("--split", default="test", choices=("train", "valid", "test"))
    evaluate.add_argument("--seed", type=int, default=0, help="generation seed of the measured samples")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument(
        "--strict", action="store_true", help="exit 2 (not just warn) when the model was trained on another corpus"
    )
    evaluate.add_argument(
        "--excerpts", type=int, default=0, help="8-bar excerpts the yardstick measures (default 0: none; 100: full)"
    )

    ship = verbs.add_parser(
        "ship",
        help="make a trained checkpoint shippable: drop optimiser state, evaluate, write the manifest",
        parents=[torch_options, split_options],
    )
    ship.add_argument("checkpoint", help="the .pt file written by train (changed in place)")
    ship.add_argument("--corpus", required=True, choices=CORPUS_CHOICES)
    ship.add_argument("--path", help=PATH_HELP)
    ship.add_argument("--command", help="the command that trained it (default: rebuilt from the checkpoint)")

    compare = verbs.add_parser(
        "compare",
        help="every architecture, same corpus, same wall-clock budget",
        parents=[torch_options, device_options],
    )
    compare.add_argument("--corpus", required=True, choices=("bach", "jazz"))
    compare.add_argument("--budget-minutes", type=float, default=2.0, help="training minutes per model")
    compare.add_argument("--seed", type=int, default=0)
    compare.add_argument("--out", help="results JSON (default: results/compare-CORPUS.json)")

    student = verbs.add_parser("student", help="write student versions of the lesson notebooks")
    student.add_argument("--out", required=True, help="folder for the student notebooks")
    student.add_argument("--notebooks", default="notebooks", help="the teacher notebooks (default: notebooks)")

    demo = verbs.add_parser(
        "demo", help="the main job: hear, see and measure the representations", parents=[torch_options]
    )
    demo.add_argument("--out", default="demo-out", help="output folder (default: demo-out)")
    demo.add_argument("--corpus", default="bach", choices=("bach", "jazz"))
    demo.add_argument("--seed", type=int, default=0)
    quiz = verbs.add_parser("quiz-tally", help="merge a class's listening-quiz CSVs into one table and a chart")
    quiz.add_argument("files", nargs="+", help="answers CSVs saved by companion.quiz")
    quiz.add_argument("--png", help="also save a bar chart of the share fooled")
    quiz.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.verb == "quiz-tally":  # reports its own bad input: one line, exit 2
        from .quiz import tally_command

        return tally_command(args)
    try:
        _set_threads(getattr(args, "threads", None))
        if getattr(args, "device", None) is not None:  # a bad --device fails before any data is read
            from .device import resolve_device

            args.device = str(resolve_device(args.device))
        if args.verb == "data":
            return _data(args)
        if args.verb == "inspect":
            return _inspect(args)
        if args.verb == "demo":
            return _demo(args)
        if args.verb == "compare":
            return _compare(args)
        if args.verb == "student":
            return _student(args)
        if args.verb == "train":
            return _train(args)
        if args.verb == "generate":
            return _generate(args)
        if args.verb == "evaluate":
            return _evaluate(args)
        if args.verb == "ship":
            return _ship(args)
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


def _set_threads(threads: int | None) -> None:
    if threads is None:
        return
    if not 1 <= threads <= 256:
        raise CompanionError(f"--threads {threads}: choose 1..256")
    import torch

    torch.set_num_threads(threads)


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
    from .demo import format_table, run_demo

    summary = run_demo(Path(args.out), corpus=args.corpus, seed=args.seed)
    print(
        f"{summary['corpus']['corpus']}: shared metrics of {summary['bars']}-bar generations "
        f"({summary['samples_per_model']} seeds per model) next to the real test split"
    )
    print(format_table(summary["table"]))
    if summary["missing_checkpoints"]:
        print(f"no shipped checkpoint yet for: {', '.join(summary['missing_checkpoints'])}")
    print(f"\n{summary['piece']}, first {summary['bars']} bars, through the representations:")
    print(f"  {'version':<20}{'notes':>7}{'exact %':>9}{'pitches':>9}")
    for row in summary["representations"]:
        print(f"  {row['version']:<20}{row['notes']:>7}{row['notes_exact_pct']:>9}{row['pitches_used']:>9}")
    print(f"wrote {len(summary['files'])} files to {args.out}/ in {summary['wall_seconds']} s (see summary.json)")
    return 0


def _train(args) -> int:
    from . import zoo
    from .data import load_corpus
    from .train.interrupt import stop_on_signals

    out = Path(args.out or f"checkpoints/{args.model}-{args.corpus}.pt")
    corpus = load_corpus(args.corpus, path=args.path, seed=args.split_seed)
    if args.cpu_minutes is not None and not args.cpu_minutes > 0:
        raise CompanionError(f"--cpu-minutes {args.cpu_minutes}: give a positive number of minutes")
    cpu = None if args.cpu_minutes is None else 60.0 * args.cpu_minutes
    with stop_on_signals() as stop:
        checkpoint = zoo.train(args.model, corpus, steps=args.steps, seed=args.seed, out=out, resume=args.resume,
                               checkpoint_every=args.checkpoint_every, max_cpu_seconds=cpu,
                               device=args.device)  # fmt: skip
    info = checkpoint["train"]
    used = f", {info['cpu_seconds']:.0f} CPU s" if info.get("cpu_seconds") is not None else ""
    steps, wall = info.get("steps"), info.get("wall_seconds", 0)
    print(f"{args.model} on {args.corpus}: {steps} steps in {wall:.0f} s{used} -> {out}")
    for skipped in info.get("skipped", []):
        print(f"  skipped {skipped}")
    if stop.signal:
        print(f"companion: {stop.signal}: stopped at step {info.get('steps')}, saved {out} "
              "(continue with --resume)", file=sys.stderr)  # fmt: skip
        return 130
    return 0


def _generate(args) -> int:
    from . import zoo
    from .midi import write_midi

    if args.bars < 1 or args.bars > 512:
        raise CompanionError(f"--bars {args.bars}: choose 1..512 bars")
    zoo.check_temperature(args.temperature)
    for out in filter(None, (args.out, args.wav, args.png)):
        if not Path(out).parent.is_dir():
            raise CompanionError(f"{out}: cannot write file (no folder {Path(out).parent})")
    song = zoo.generate(zoo.load(args.checkpoint), bars=args.bars, seed=args.seed, temperature=args.temperature,
                        device=args.device)  # fmt: skip
    write_midi(song, args.out)
    written = [args.out]
    if args.wav:
        from .audio import write_wav

        write_wav(song, args.wav)
        written.append(args.wav)
    if args.png:
        from .plot import save_png

        save_png(song, args.png)
        written.append(args.png)
    print(f"{song.num_bars} bars, {song.num_notes} notes -> {', '.join(written)}")
    return 0


def _evaluate(args) -> int:
    from . import zoo
    from .data import load_corpus

    checkpoint = zoo.load(args.checkpoint)
    trained_on = checkpoint["train"].get("corpus")
    if trained_on and trained_on != args.corpus:
        mismatch = (f"{args.checkpoint}: trained on {trained_on}, evaluated on {args.corpus}: its likelihoods "
                    "and unseen shares measure a corpus it never saw")  # fmt: skip
        if args.strict:
            raise CompanionError(mismatch)
        print(f"companion: warning: {mismatch} (--strict makes this an error)", file=sys.stderr)
    corpus = load_corpus(args.corpus, path=args.path, seed=args.split_seed)
    if args.excerpts < 0:
        raise CompanionError(f"--excerpts {args.excerpts}: must be >= 0")
    result = zoo.evaluate(checkpoint, corpus, split=args.split, seed=args.seed, excerpts=args.excerpts,
                          device=args.device)  # fmt: skip
    if args.json:
        print(json.dumps(result))
        return 0
    published = result.pop("published", None)
    _print_nested(result)
    if published:
        _print_published(result, published)
    return 0


def _print_published(result: dict, published: list[dict]) -> None:
    """The model's test NLL beside the benchmark's published figures, exact ones apart from bounds."""
    print(f"\n{result['corpus']} {result['split']} NLL, nats per frame, beside the published figures:")
    print(f"  {'this checkpoint (' + result['model'] + ')':<44}{result['nll_nats_per_frame']:>7.2f}  exact")
    for row in published:
        print(f"  {row['model']:<44}{row['nll']:>7.2f}  {row['kind']}")
    print("  (bounds and estimates are not exact likelihoods; compare exact with exact)")


def _ship(args) -> int:
    from . import zoo
    from .data import load_corpus

    path = Path(args.checkpoint)
    checkpoint = zoo.load(path).checkpoint
    if not checkpoint.get("optimizer"):
        raise CompanionError(f"{path}: already shipped (no optimizer state); ship the file that train wrote")
    command = args.command or _train_command(checkpoint, path, args)
    corpus = load_corpus(args.corpus, path=args.path, seed=args.split_seed)
    manifest = zoo.ship(path, corpus, command=command)
    print(f"{path} shipped ({path.stat().st_size / 1e6:.2f} MB) -> {manifest}")
    return 0


def _train_command(checkpoint: dict, path: Path, args) -> str:
    """The ``train`` command that makes ``checkpoint`` again, from what it recorded."""
    train = checkpoint["train"]
    parts = ["python -m companion train", checkpoint["model"], "--corpus", str(train.get("corpus"))]
    if args.path:
        parts += ["--path", args.path]
    parts += ["--steps", str(train.get("steps")), "--seed", str(train.get("seed", 0))]
    if args.split_seed:
        parts += ["--split-seed", str(args.split_seed)]
    if train.get("device") not in (None, "cpu"):
        parts += ["--device", str(train["device"])]
    return " ".join(parts + ["--out", str(path)])


def _print_nested(value, indent: int = 0) -> None:
    for key, item in value.items():
        if isinstance(item, dict):
            print(" " * indent + f"{key}:")
            _print_nested(item, indent + 2)
        else:
            print(" " * indent + f"{key:<28}{item}")


def _student(args) -> int:
    from .student import write_student_versions

    written = write_student_versions(Path(args.notebooks), Path(args.out))
    print(f"wrote {len(written)} student notebooks to {args.out}/")
    return 0


def _compare(args) -> int:
    from .compare import compare
    from .demo import format_table

    if args.budget_minutes <= 0:
        raise CompanionError(f"--budget-minutes {args.budget_minutes}: must be > 0")
    out = Path(args.out or f"results/compare-{args.corpus}.json")
    results = compare(args.corpus, budget_minutes=args.budget_minutes, seed=args.seed, out=out, device=args.device)
    print(format_table(results["rows"]))
    print(f"-> {out}")
    return 0
