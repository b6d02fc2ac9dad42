"""Every architecture on the same corpus with the same wall-clock budget, measured the same way:
``python -m companion compare --corpus C [--budget-minutes M]``.

Each model of :data:`companion.zoo.MODELS` that takes the corpus is trained from scratch for ``M``
minutes of wall time (same seed), then ``SAMPLES`` pieces of ``BARS`` bars are generated and scored
with :func:`companion.metrics.corpus_metrics` (the corpus's registers, copy rate against its train
split) -- the same call for every model and for the real test split (first row). The GPTs also
report their likelihood on the test split (nats per frame of their grid). The JSON records the
command, machine, date and every model's steps, parameters, training and generation time.

Used by notebook 06_diminishing_returns (``results/compare-<corpus>.json``).
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
from .metrics import corpus_metrics
from .train import UNLIMITED_STEPS

BARS = 8
SAMPLES = 16
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


def compare(
    corpus_name: str,
    budget_minutes: float = 2.0,
    seed: int = 0,
    out: Path | None = None,
    models: list[str] | None = None,
    device: str | None = "cpu",
) -> dict:
    """Train and measure every model on ``corpus_name`` on ``device``; returns (and writes to ``out``)
    the results."""
    from .device import resolve_device

    device = str(resolve_device(device))
    torch.set_num_threads(1)  # every model gets the same single core, whatever the machine
    corpus = load_corpus(corpus_name, seed=seed)
    registers = registers_for(corpus_name)
    real = [s.crop(0, BARS * s.ticks_per_bar) for s in corpus.test]
    rows = [{"model": "real data (test split)"} | _metrics_row(real, registers, corpus.train)]
    names = models or [m for m, e in zoo.MODELS.items() if corpus_name in e.corpora]
    with tempfile.TemporaryDirectory() as scratch:
        for name in tqdm(names, desc=f"compare on {corpus_name}", unit="model"):
            started = time.perf_counter()
            checkpoint = zoo.train(
                name,
                corpus,
                steps=UNLIMITED_STEPS,
                seed=seed,
                out=Path(scratch) / f"{name}.pt",
                max_seconds=budget_minutes * 60,
                device=device,
            )
            train_seconds = time.perf_counter() - started
            tick = time.perf_counter()
            checkpoint = zoo.loaded(checkpoint, device)
            songs = [zoo.generate(checkpoint, bars=BARS, seed=seed + k) for k in range(SAMPLES)]
            generation_seconds = (time.perf_counter() - tick) / SAMPLES
            row = {"model": name} | _metrics_row(songs, registers, corpus.train)
            result = zoo.evaluate(checkpoint, corpus, split="test", seed=seed, device=device)
            if "nll_nats_per_token" in result:  # the models that define a likelihood
                row["nll_nats_per_frame"] = result.get("nll_nats_per_frame")
                if result.get("frame_steps_per_beat"):
                    row["nll_frame"] = f"1/{result['frame_steps_per_beat']} beat"
                else:  # an event codec on songs has no grid frames: only a per-token figure exists
                    row["nll_nats_per_token"] = result.get("nll_nats_per_token")
            row |= {
                "steps": checkpoint["train"].get("steps"),
                "parameters": count_parameters(checkpoint["state"]),
                "train_seconds": round(train_seconds, 1),
                "generation_seconds_per_8_bars": round(generation_seconds, 3),
            }
            rows.append(row)
    results = {
        "command": f"python -m companion compare --corpus {corpus_name} --budget-minutes {budget_minutes:g} "
        f"--seed {seed}",
        "corpus": corpus_name,
        "budget_minutes": budget_minutes,
        "device": device,
        "bars": BARS,
        "samples": SAMPLES,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, 1 torch thread, torch {torch.__version__}",
        "date": time.strftime("%Y-%m-%d"),
        "load_average_at_end": round(os.getloadavg()[0], 1),
        "rows": rows,
    }
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1) + "\n")
    return results
