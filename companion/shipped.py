"""The yardstick of every shipped checkpoint (lesson 06, section "The shipped models"): what a student
who runs the demo or a lesson actually hears, scored the same way as the returns curves but on the
**test** split with 100 excerpts, beside what each checkpoint cost to train (from its manifest).

    python -m companion.shipped --out results/shipped_yardstick.jsonl      # every shipped bach/jazz model
    python -m companion.shipped --ship-rung musegan-hybrid:bach --seed 2 --minutes 16   # ship a sweep rung

One JSON line per checkpoint, appended at once; a rerun skips a checkpoint whose sha256 is already
scored (so a retrained checkpoint is scored again and the old line stays, marked by its sha256). A
checkpoint whose manifest already holds its yardstick (``ship --excerpts``, the same measurement) is
written from the manifest, measuring nothing; ``scored_by`` says which.
Every line: ``model``, ``corpus``, ``sha256``, the manifest's ``steps``, ``cpu_seconds`` (None for
checkpoints trained before manifests recorded CPU time), ``wall_seconds`` and ``command``, and the
yardstick's ``headline`` (every set's feature-classifier accuracy with its interval), ``roll``
(the roll classifier's), ``frechet`` and ``overlap_mean`` of the generated set, and its ``nll``.

:func:`headline` gives the demo (``python -m companion demo``) each shipped model's headline numbers
without measuring anything: from the manifest's yardstick (``ship --excerpts``) or else from this
file's line of the same sha256.

:func:`ship_rung` makes one rung of the returns sweep (:mod:`companion.returns`, its checkpoint under
``runs/returns/``) the shipped checkpoint of its model and corpus: copied into the package, shipped on
one thread (no optimiser state, the manifest with the sweep command that trained it, its CPU seconds,
steps and the yardstick on the test split), and scored into the results file from that manifest.

Used by notebook 06 and :mod:`companion.demo`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXCERPTS = 100
SPLIT = "test"
RESULTS = Path(__file__).resolve().parents[1] / "results" / "shipped_yardstick.jsonl"
"""This module's results file in a source checkout (absent from an installed wheel)."""


def scored(results: Path) -> set[str]:
    """sha256 of every checkpoint already in ``results``."""
    if not results.exists():
        return set()
    return {json.loads(line)["sha256"] for line in results.read_text().splitlines() if line.strip()}


def read(results: Path) -> dict[str, dict[str, Any]]:
    """``model:corpus`` -> its latest line (the checkpoint shipped now, where it was rescored)."""
    latest: dict[str, dict[str, Any]] = {}
    for line in Path(results).read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            latest[f"{row['model']}:{row['corpus']}"] = row
    return latest


def headline(checkpoint: Path, results: Path = RESULTS) -> dict[str, Any] | None:
    """The yardstick's figures of the shipped ``checkpoint`` (a ``.pt`` path with its manifest beside it)
    on the test split, as stored: the manifest's ``metrics.test.yardstick`` (written by ``ship
    --excerpts``) or else the line of ``results`` with the manifest's sha256; None where neither has it.

    Returns :func:`companion.yardstick.headline_numbers` of the generated set (``headline``,
    ``frechet``, ``overlap_mean``, ``overlap_mean_ci``; the results file stores no overlap interval)
    and ``floor`` (the noise floor's headline), ``excerpts``, ``split`` and ``source``."""
    from .yardstick import headline_numbers

    path = checkpoint.with_suffix(".json")
    manifest = json.loads(path.read_text())
    yardstick = (manifest.get("metrics", {}).get("test") or {}).get("yardstick")
    if yardstick:
        numbers = headline_numbers(yardstick, "generated")
        stored = {"headline": yardstick["headline"], "excerpts": yardstick["settings"]["excerpts"]}
        source = f"{path.name} (metrics.test.yardstick)"
    else:
        lines = filter(None, results.read_text().splitlines() if results.exists() else [])
        stored = next((row for row in map(json.loads, lines) if row["sha256"] == manifest["sha256"]), None)
        if stored is None:
            return None
        frechet = stored.get("frechet") or {}
        numbers = {"headline": stored["headline"]["generated"],
                   "frechet": {"value": frechet.get("value"), "ci": frechet.get("ci")},
                   "overlap_mean": stored.get("overlap_mean"), "overlap_mean_ci": None}  # fmt: skip
        source = f"{results.name} (the line of sha256 {manifest['sha256'][:12]})"
    return numbers | {"floor": stored["headline"]["floor"], "excerpts": stored["excerpts"], "split": SPLIT,
                      "source": source}  # fmt: skip


def score(spec: str, *, excerpts: int = EXCERPTS, seed: int = 0) -> dict[str, Any]:
    """One shipped checkpoint (``model:corpus``) by the yardstick on the test split, on one thread."""
    import torch

    from . import zoo
    from .data import load_corpus

    torch.set_num_threads(1)
    path = zoo.resolve(spec)
    manifest = json.loads(path.with_suffix(".json").read_text())
    corpus_name = spec.split(":")[1]
    result = zoo.evaluate(zoo.load(spec), load_corpus(corpus_name), split=SPLIT, seed=seed, excerpts=excerpts,
                          extras=False, threads=1)  # fmt: skip
    return row(spec, manifest, result["yardstick"], scored_by="companion.shipped")


def from_manifest(spec: str, excerpts: int = EXCERPTS) -> dict[str, Any] | None:
    """The line of ``spec`` built from its manifest's yardstick (``ship --excerpts``, measured on the
    test split at seed 0 like :func:`score`), measuring nothing; None where the manifest has no yardstick
    of ``excerpts`` excerpts."""
    from . import zoo

    manifest = json.loads(zoo.resolve(spec).with_suffix(".json").read_text())
    yardstick = (manifest.get("metrics", {}).get("test") or {}).get("yardstick")
    if not yardstick or yardstick["settings"]["excerpts"] != excerpts or yardstick["settings"]["seed"] != 0:
        return None
    return row(spec, manifest, yardstick, scored_by=f"ship ({manifest['checkpoint'][:-3]}.json metrics.test.yardstick)")


def row(spec: str, manifest: dict[str, Any], yardstick: dict[str, Any], *, scored_by: str) -> dict[str, Any]:
    """One results line: what the checkpoint cost (its manifest) beside its ``yardstick``."""
    model, corpus_name = spec.split(":")
    generated = yardstick["sets"]["generated"]
    roll = {name: {"accuracy": s["classifier"]["roll"]["accuracy"], "ci": s["classifier"]["roll"]["ci"]}
            for name, s in yardstick["sets"].items() if s["classifier"].get("roll")}  # fmt: skip
    return {
        "model": model,
        "corpus": corpus_name,
        "sha256": manifest["sha256"],
        "steps": manifest.get("steps"),
        "cpu_seconds": manifest.get("cpu_seconds"),
        "wall_seconds": manifest.get("wall_seconds"),
        "command": manifest.get("command"),
        "split": SPLIT,
        "excerpts": yardstick["settings"]["excerpts"],
        "headline": yardstick["headline"],
        "roll": roll,
        "frechet": generated.get("frechet"),
        "overlap_mean": generated.get("overlap", {}).get("mean_oa"),
        "nll": yardstick.get("nll"),
        "cost": yardstick["cost"],
        "scored_by": scored_by,
    }


def rung_command(model: str, corpus: str, seed: int, minutes: float, checkpoint: dict[str, Any], source: Path,
                 target: Path) -> str:  # fmt: skip
    """The commands that made a shipped sweep rung: the returns sweep of its run up to ``minutes``, then
    ``ship``; with where early stopping ended the run, if it did."""
    from .returns import LADDER_MINUTES, MULTI_SEED_MINUTES

    ladder = " ".join(f"{rung:g}" for rung in LADDER_MINUTES if rung <= minutes)
    above = f" --above-seed {seed}" if seed and minutes > MULTI_SEED_MINUTES else ""
    info = checkpoint["train"]
    stopped = ""
    if info.get("stopped_early"):
        stopped = f", stopped early at step {info['steps']}, best step {info['best_step']}"
    return (f"python -m companion.returns --out results/returns_curves.jsonl --models {model} --corpora {corpus} "
            f"--seeds {seed}{above} --ladder {ladder} (its {minutes:g}-CPU-minute rung: {source}{stopped}), then "
            f"python -m companion ship {target.name} --corpus {corpus} --threads 1")  # fmt: skip


def ship_rung(spec: str, *, seed: int, minutes: float, runs: Path = Path("runs/returns"),
              excerpts: int = EXCERPTS) -> Path:  # fmt: skip
    """Ship the sweep rung ``runs/<model>-<corpus>-seed<seed>-<minutes>min.pt`` as ``spec``'s checkpoint
    (on one thread, the yardstick on ``excerpts`` test excerpts in the manifest). The shipped files it
    replaces are restored if shipping fails. Returns the manifest's path.

    Raises:
        CompanionError: no such rung checkpoint, or ``spec`` is not a shipped model and corpus.
    """
    import shutil

    import torch

    from . import zoo
    from .data import load_corpus
    from .device import blas_threads
    from .errors import CompanionError

    model, corpus_name = spec.split(":") if spec.count(":") == 1 else (spec, "")
    if model not in zoo.MODELS or corpus_name not in zoo.MODELS[model].corpora:
        raise CompanionError(f"{spec}: not a shipped model and corpus (e.g. musegan-hybrid:bach)")
    source = Path(runs) / f"{model}-{corpus_name}-seed{seed}-{minutes:g}min.pt"
    if not source.is_file():
        raise CompanionError(f"{source}: no such rung checkpoint (run python -m companion.returns first)")
    target = zoo.shipped_path(model, corpus_name)
    kept = {path: path.read_bytes() for path in (target, target.with_suffix(".json")) if path.exists()}
    torch.set_num_threads(1)
    blas_threads(1)
    try:
        shutil.copyfile(source, target)
        command = rung_command(model, corpus_name, seed, minutes, zoo.load(target).checkpoint, source, target)
        return zoo.ship(target, load_corpus(corpus_name), command=command, excerpts=excerpts)
    except BaseException:
        for path, data in kept.items():
            path.write_bytes(data)
        raise


def main(argv: list[str] | None = None) -> int:
    from . import zoo
    from .returns import append_row

    parser = argparse.ArgumentParser(prog="python -m companion.shipped", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="results file (JSON lines; appended, resumed)")
    parser.add_argument("--corpora", nargs="+", default=["bach", "jazz"])
    parser.add_argument("--models", nargs="+", default=None, help="only these models (default: every shipped one)")
    parser.add_argument("--excerpts", type=int, default=EXCERPTS)
    parser.add_argument("--ship-rung", metavar="MODEL:CORPUS", default=None,
                        help="first ship this model's returns-sweep rung (with --seed and --minutes)")
    parser.add_argument("--seed", type=int, default=0, help="the sweep run's seed (--ship-rung)")
    parser.add_argument("--minutes", type=float, default=None, help="the rung's CPU minutes (--ship-rung)")
    parser.add_argument("--runs", type=Path, default=Path("runs/returns"), help="the sweep's run checkpoints")
    args = parser.parse_args(argv)
    if args.ship_rung:
        if args.minutes is None:
            parser.error("--ship-rung needs --minutes")
        from .errors import CompanionError

        try:
            manifest = ship_rung(args.ship_rung, seed=args.seed, minutes=args.minutes, runs=args.runs,
                                 excerpts=args.excerpts)  # fmt: skip
        except CompanionError as exc:
            print(f"companion.shipped: error: {exc}", file=sys.stderr)
            return 2
        print(f"{args.ship_rung}: shipped -> {manifest}", flush=True)
        args.models, args.corpora = [args.ship_rung.split(":")[0]], [args.ship_rung.split(":")[1]]
    done = scored(args.out)
    for spec, path in zoo.shipped_checkpoints().items():
        model, corpus = spec.split(":")
        if corpus not in args.corpora or (args.models and model not in args.models):
            continue
        manifest = json.loads(path.with_suffix(".json").read_text())
        if manifest["sha256"] in done:
            continue
        line = from_manifest(spec, args.excerpts) or score(spec, excerpts=args.excerpts)
        append_row(args.out, line)
        generated = line["headline"]["generated"]
        print(f"{spec}: accuracy {generated['accuracy']} {generated['ci']} ({line['scored_by']})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
