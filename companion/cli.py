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
    python -m companion ship CKPT.pt --corpus C [--path P] [--split-seed K] [--command "..."] [--excerpts 100]
    python -m companion demo [--out DIR] [--corpus C] [--seed S]
    python -m companion student --out DIR [--notebooks DIR]
    python -m companion compare --corpus C [--budget-minutes M] [--seed S] [--out FILE.json] [--excerpts 100]
                                 [--models M ...] [--device D]

CKPT is a checkpoint file or the name of a shipped one, ``model:corpus`` (e.g. ``gpt-chords:jsb``).

Two seeds, kept apart: ``--split-seed`` says how ``bach``, ``jazz`` and ``folder`` are cut into
train/valid/test (give ``evaluate`` the same one as ``train``, default 0: the split of every shipped
checkpoint); ``--seed`` seeds training, sampling and generation. ``--threads N`` (train, generate,
evaluate, demo, compare) sets torch's CPU threads and numpy's OpenBLAS threads
(:func:`companion.device.blas_threads`); on a shared or busy machine 1 is often fastest. ``compare``
takes it for OpenBLAS only: its torch runs on one thread whatever it says.
``--device auto|cpu|cuda|mps`` (train, generate, evaluate, compare; default ``auto``: CUDA or MPS
where present, else the CPU) says where the network runs. Seeds stay CPU generators and checkpoints
hold CPU tensors; the shipped figures and MIDI bytes are CPU ones (``--device cpu`` reproduces them
on a machine with a GPU); ``cpu_seconds`` stays a CPU figure, with the ``device`` recorded beside it.

Exit status: 0 ok; 2 bad input, with ONE line on stderr naming the file and the problem (no
traceback); 1 only for a bug; 130 for a ``train`` stopped by SIGINT/SIGTERM, after saving its
checkpoint (continue with ``--resume``). ``--json`` prints one JSON object on stdout and nothing
else there. Output files are written whole or not at all (a temporary file, then a rename).

``compare``'s ``--budget-minutes`` are CPU minutes of the training process per model, on one torch
thread (:mod:`companion.compare`); every model is scored by the yardstick, as ``evaluate`` scores it.

``inspect`` and ``data`` never import torch (the verbs that need a model import it when they run).

The parser is in :mod:`companion.cli_parser` and the model verbs (train, generate, evaluate, ship) in
:mod:`companion.cli_models`, both re-exported here; this module dispatches and runs the other verbs.

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and 06_diminishing_returns
through the commands they show (``python -m companion train``, ``evaluate``, ``compare``, ``quiz-tally``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .cli_models import (  # noqa: F401  (re-exported)
    _evaluate,
    _generate,
    _interval,
    _print_nested,
    _print_published,
    _print_yardstick,
    _ship,
    _train,
    _train_command,
)
from .cli_parser import CORPUS_CHOICES, PATH_HELP, _Parser, build_parser  # noqa: F401  (re-exported)
from .errors import CompanionError


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

    from .device import blas_threads

    torch.set_num_threads(threads)
    blas_threads(threads)


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
    print("\nyardstick headline of each shipped model, as stored (feature-classifier accuracy, 0.5 = "
          "indistinguishable from real, 95 % interval; the real row: the noise floor):")  # fmt: skip
    for row in summary["table"]:
        head, source = row.get("headline") or {}, row.get("headline_source", "")
        print(f"  {row['model']:<24}{_interval(head.get('accuracy'), head.get('ci')):<20}{source}")
    if summary["missing_checkpoints"]:
        print(f"no shipped checkpoint yet for: {', '.join(summary['missing_checkpoints'])}")
    print(f"\n{summary['piece']}, first {summary['bars']} bars, through the representations:")
    print(f"  {'version':<20}{'notes':>7}{'exact %':>9}{'pitches':>9}")
    for row in summary["representations"]:
        print(f"  {row['version']:<20}{row['notes']:>7}{row['notes_exact_pct']:>9}{row['pitches_used']:>9}")
    print(f"wrote {len(summary['files'])} files to {args.out}/ in {summary['wall_seconds']} s (see summary.json)")
    return 0


def _student(args) -> int:
    from .student import write_student_versions

    written = write_student_versions(Path(args.notebooks), Path(args.out))
    print(f"wrote {len(written)} student notebooks to {args.out}/")
    return 0


def _compare(args) -> int:
    from .compare import compare
    from .demo import format_table

    if args.budget_minutes <= 0:
        raise CompanionError(f"--budget-minutes {args.budget_minutes}: must be > 0 (CPU minutes per model)")
    if args.excerpts < 1:
        raise CompanionError(f"--excerpts {args.excerpts}: compare scores every model by the yardstick; give 1 or more")
    out = Path(args.out or f"results/compare-{args.corpus}.json")
    results = compare(args.corpus, budget_minutes=args.budget_minutes, seed=args.seed, out=out, device=args.device,
                      models=args.models, excerpts=args.excerpts)  # fmt: skip
    print(format_table(results["rows"]))
    sets = {row["model"]: row["yardstick"]["sets"]["generated"] for row in results["rows"][1:]}
    sets |= results["yardstick"]["sets"]  # the floor and the baselines, measured once for the corpus
    _print_yardstick({"settings": results["yardstick"]["settings"], "sets": sets})
    print(f"\nwhat each model cost ({results['budget_minutes']:g} {results['budget']}):")
    print(format_table(results["rows"][1:], ("steps", "train_cpu_seconds", "yardstick_cpu_seconds",
                                             "nll_nats_per_frame")))  # fmt: skip
    print(f"-> {out}")
    return 0
