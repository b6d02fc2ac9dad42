"""Every architecture on the same corpus with the same CPU budget, measured by the same yardstick:
``python -m companion compare --corpus C [--budget-minutes M] [--excerpts N] [--models ...]``.

Each model of :data:`companion.zoo.MODELS` that takes the corpus is trained from scratch (same seed,
one torch thread, whatever ``--threads`` says: the CLI's ``--threads`` caps numpy's OpenBLAS pool
only) until ``M`` CPU minutes of the training process (``max_cpu_seconds``, as
:mod:`companion.returns` does), then scored two ways on the test split:

* the **yardstick** -- :func:`companion.yardstick.for_checkpoint` on ``N`` generated 8-bar excerpts
  (default 100, as ``evaluate``), the same call as ``python -m companion evaluate``: headline
  (feature-classifier accuracy with its 95 % interval), Fréchet distance and mean overlap with
  theirs. The noise floor and the three baselines do not depend on the model, so they are measured
  once per corpus (:func:`companion.yardstick.measure` without a generated set, key ``yardstick``);
  each model's own call skips the baselines (``with_baselines=False``) but still measures the floor
  (``measure`` always does; the same figures for every model). :func:`full_yardstick` puts the two
  together into the dict ``evaluate --json`` gives under ``yardstick``.
* the older **per-metric table** -- ``SAMPLES`` pieces of ``BARS`` bars scored with
  :func:`companion.metrics.corpus_metrics`, the same call for every model and for the real test split
  (first row), and the GPTs' NLL on the test split.

The JSON records the command, machine, date, and per model its steps, parameters, CPU seconds of
training and of the yardstick, and wall seconds (keys: README, "The yardstick").

Used by notebook 06_diminishing_returns (``results/compare-<corpus>.json``: the appendix and the
exercises read the rows' metric, ``steps``, ``parameters``, ``train_seconds`` and NLL keys).
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

import torch
from tqdm.auto import tqdm

from . import zoo
from .checkpoint import count_parameters
from .data import load_corpus, registers_for
from .files import write_atomically
from .metrics import corpus_metrics
from .train import UNLIMITED_STEPS
from .yardstick import for_checkpoint, headline_numbers, measure

BARS = 8
SAMPLES = 16
EXCERPTS = 100
"""Generated 8-bar excerpts per model for the yardstick: ``evaluate``'s default."""
BUDGET = "CPU minutes of the training process, one torch thread"
COLUMNS = (
    "EB_mean",
    "UPC_mean",
    "QN_mean",
    "DP",
    "TD_mean",
    "chord_tone_rate",
    "register_adherence_mean",
    "copy_rate",
    "diversity",
)


def _metrics_row(songs, registers, training) -> dict:
    metrics = corpus_metrics(songs, registers, training=training)
    return {k: metrics.get(k) for k in COLUMNS}


def full_yardstick(results: dict, model: str) -> dict:
    """``model``'s yardstick with the corpus's baselines beside it: the keys and sets of
    ``evaluate --json``'s ``yardstick`` (``cost`` stays the model's own call)."""
    own = next(r for r in results["rows"] if r["model"] == model)["yardstick"]
    corpus = results["yardstick"]
    return own | {
        "headline": corpus["headline"] | own["headline"],
        "sets": own["sets"] | {k: v for k, v in corpus["sets"].items() if k not in own["sets"]},
        "chance": corpus["chance"],
    }


def _likelihood(loaded, corpus) -> tuple[dict, dict]:
    """The NLL keys the row shows and the ones passed to the yardstick (as ``evaluate`` passes them)."""
    result = loaded.family.likelihood(loaded, corpus, "test")
    nll = {k: v for k, v in result.items() if k.startswith("nll")}
    if "nll_nats_per_token" not in result:  # the GANs define no likelihood
        return {}, nll
    row = {"nll_nats_per_frame": result.get("nll_nats_per_frame")}
    if result.get("frame_steps_per_beat"):
        row["nll_frame"] = f"1/{result['frame_steps_per_beat']} beat"
    else:  # an event codec on songs has no grid frames: only a per-token figure exists
        row["nll_nats_per_token"] = result.get("nll_nats_per_token")
    return row, nll


def _model_row(name: str, corpus, registers, *, budget_minutes: float, seed: int, excerpts: int, scratch: Path,
               device: str) -> dict:  # fmt: skip
    """Train ``name`` within the budget, then its table row, NLL and yardstick."""
    started, cpu = time.perf_counter(), time.process_time()
    checkpoint = zoo.train(name, corpus, steps=UNLIMITED_STEPS, seed=seed, out=scratch / f"{name}.pt",
                           max_cpu_seconds=budget_minutes * 60, device=device)  # fmt: skip
    train_seconds, train_cpu = time.perf_counter() - started, time.process_time() - cpu
    tick = time.perf_counter()
    loaded = zoo.loaded(checkpoint, device)
    songs = [zoo.generate(loaded, bars=BARS, seed=seed + k) for k in range(SAMPLES)]
    generation_seconds = (time.perf_counter() - tick) / SAMPLES
    row = {"model": name} | _metrics_row(songs, registers, corpus.train)
    shown, nll = _likelihood(loaded, corpus)
    tick = time.process_time()
    yardstick = for_checkpoint(loaded, corpus, split="test", excerpts=excerpts, seed=seed, nll=nll or None,
                               with_baselines=False)  # fmt: skip
    return row | shown | headline_numbers(yardstick, "generated") | {
        "steps": checkpoint["train"].get("steps"),
        "parameters": count_parameters(checkpoint["state"]),
        "train_cpu_seconds": round(checkpoint["train"].get("cpu_seconds") or train_cpu, 1),
        "yardstick_cpu_seconds": round(time.process_time() - tick, 1),
        "train_seconds": round(train_seconds, 1),
        "generation_seconds_per_8_bars": round(generation_seconds, 3),
        "yardstick": yardstick,
    }


def compare(
    corpus_name: str,
    budget_minutes: float = 2.0,
    seed: int = 0,
    out: Path | None = None,
    models: list[str] | None = None,
    device: str | None = "cpu",
    excerpts: int = EXCERPTS,
) -> dict:
    """Train every model (or ``models``) on ``corpus_name`` for ``budget_minutes`` CPU minutes each on
    ``device`` and measure it; returns (and writes to ``out``) the results."""
    from .device import resolve_device

    device = str(resolve_device(device))
    torch.set_num_threads(1)  # every model gets the same single core, whatever the machine
    corpus = load_corpus(corpus_name, seed=seed)
    registers = registers_for(corpus_name)
    cpu = time.process_time()
    floor = measure(corpus.train, corpus.test, None, bars=BARS, excerpts=excerpts, seed=seed, registers=registers)
    floor_cpu = time.process_time() - cpu
    real = [s.crop(0, BARS * s.ticks_per_bar) for s in corpus.test]
    rows = [{"model": "real data (test split)"} | _metrics_row(real, registers, corpus.train)
            | headline_numbers(floor, "floor")]  # fmt: skip
    names = models or [m for m, e in zoo.MODELS.items() if corpus_name in e.corpora]
    with tempfile.TemporaryDirectory() as scratch:
        for name in tqdm(names, desc=f"compare on {corpus_name}", unit="model"):
            rows.append(_model_row(name, corpus, registers, budget_minutes=budget_minutes, seed=seed,
                                   excerpts=excerpts, scratch=Path(scratch), device=device))  # fmt: skip
    command = f"python -m companion compare --corpus {corpus_name} --budget-minutes {budget_minutes:g} --seed {seed}"
    command += f" --excerpts {excerpts}" + (f" --models {' '.join(models)}" if models else "")
    results = {
        "command": command,
        "corpus": corpus_name,
        "budget_minutes": budget_minutes,
        "budget": BUDGET,
        "device": device,
        "bars": BARS,
        "samples": SAMPLES,
        "excerpts": excerpts,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, 1 torch thread, torch {torch.__version__}",
        "date": time.strftime("%Y-%m-%d"),
        "load_average_at_end": round(os.getloadavg()[0], 1),
        "rows": rows,
        "baselines": {k: headline_numbers(floor, k) for k in ("random", "shuffled", "copy")},
        "floor_and_baselines_cpu_seconds": round(floor_cpu, 1),
        "yardstick": floor,
    }
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, (json.dumps(results, indent=1) + "\n").encode())  # a long run's file: whole or not at all
    return results
