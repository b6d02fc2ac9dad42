"""The command line's parser: every verb of ``python -m companion`` and its options.

:func:`build_parser` is what :func:`companion.cli.main` parses with; a usage error is one line and exit
status 2 (:class:`_Parser`). The verbs themselves are in :mod:`companion.cli` and
:mod:`companion.cli_models`.

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and 06_diminishing_returns
through the commands they show (``python -m companion train``, ``evaluate``, ``compare``, ``quiz-tally``).
"""

from __future__ import annotations

import argparse

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
    _add_file_verbs(verbs)
    options = _shared_options()
    _add_model_verbs(verbs, *options)
    _add_course_verbs(verbs, *options)
    return parser


def _add_file_verbs(verbs) -> None:
    """``data`` and ``inspect``: a corpus's counts and a MIDI file's contents (neither imports torch)."""
    data = verbs.add_parser("data", help="counts of a corpus: pieces, bars, notes, tracks, splits")
    data.add_argument("corpus", choices=CORPUS_CHOICES)
    data.add_argument("--path", help=PATH_HELP)
    data.add_argument("--seed", type=int, default=0, help="split seed (and generation seed for jazz)")
    data.add_argument("--json", action="store_true", help="print one JSON object")

    inspect = verbs.add_parser("inspect", help="tracks, notes, tempo, time signature and length of a MIDI file")
    inspect.add_argument("file")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")


def _shared_options() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parent parsers of ``--threads``, ``--split-seed`` and ``--device``."""
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
    return torch_options, split_options, device_options


def _add_model_verbs(verbs, torch_options, split_options, device_options) -> None:
    """``train``, ``generate`` and ``evaluate``: one model of the course, from a corpus to its figures."""
    from .zoo import MODELS

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
        "--excerpts", type=int, default=100, help="generated 8-bar excerpts for the yardstick (default 100; 0 skips it)"
    )


def _add_course_verbs(verbs, torch_options, split_options, device_options) -> None:
    """``ship``, ``compare``, ``student``, ``demo`` and ``quiz-tally``: the course's own jobs."""
    from .zoo import MODELS

    ship = verbs.add_parser(
        "ship",
        help="make a trained checkpoint shippable: drop optimiser state, evaluate, write the manifest",
        parents=[torch_options, split_options],
    )
    ship.add_argument("checkpoint", help="the .pt file written by train (changed in place)")
    ship.add_argument("--corpus", required=True, choices=CORPUS_CHOICES)
    ship.add_argument("--path", help=PATH_HELP)
    ship.add_argument("--command", help="the command that trained it (default: rebuilt from the checkpoint)")
    ship.add_argument("--excerpts", type=int, default=100,
                      help="generated 8-bar excerpts for the manifest's yardstick (default 100; 0 skips it)")

    compare = verbs.add_parser(
        "compare",
        help="every architecture, same corpus, same CPU budget, scored by the yardstick",
        parents=[device_options],
    )
    compare.add_argument("--threads", type=int,
                         help="numpy's OpenBLAS threads only: torch always runs on one thread here, so that "
                              "every model gets the same single core (the budget's unit; default: OpenBLAS's "
                              "own choice)")  # fmt: skip
    compare.add_argument("--corpus", required=True, choices=("bach", "jazz"))
    compare.add_argument("--budget-minutes", type=float, default=2.0,
                         help="training budget per model in CPU minutes of the training process, one torch thread "
                              "(default 2)")  # fmt: skip
    compare.add_argument("--seed", type=int, default=0)
    compare.add_argument("--out", help="results JSON (default: results/compare-CORPUS.json)")
    compare.add_argument("--excerpts", type=int, default=100,
                         help="generated 8-bar excerpts per model for the yardstick (default 100, as evaluate)")
    compare.add_argument("--models", nargs="+", choices=tuple(MODELS), metavar="MODEL",
                         help="only these models (default: every model that takes the corpus)")

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
