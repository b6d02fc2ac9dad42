"""The polyphonic-benchmark table: the four classic benchmarks x the two token models (``gpt-events``,
``gpt-chords``), each figure read from a shipped checkpoint's manifest (the exact test NLL in nats per
frame, the CPU time that bought it, the parameter count and the recipe), beside each benchmark's
published figures, exact ones apart from bounds and estimates.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns, and by
``benchmarks/bench_polyphonic.py``.
"""

from __future__ import annotations

import json
from typing import Any

from .data import BENCHMARK_CORPORA
from .polyphonic import BENCHMARKS
from .zoo import shipped_path

TOKEN_MODELS = ("gpt-events", "gpt-chords")


def shipped_row(model: str, benchmark: str) -> dict[str, Any] | None:
    """One model on one benchmark from its shipped manifest, or None where nothing is shipped."""
    manifest_file = shipped_path(model, benchmark).with_suffix(".json")
    if not manifest_file.is_file():
        return None
    manifest = json.loads(manifest_file.read_text())
    test = manifest["metrics"]["test"]
    training = {**manifest["metrics"].get("training", {}), **{k: v for k, v in manifest.items() if v is not None}}
    return {
        "benchmark": benchmark,
        "model": model,
        "test_nll": test["nll_nats_per_frame"],
        "unseen_frame_share": test.get("unseen_frame_share"),
        "unseen_nats_per_frame": test.get("unseen_nats_per_frame"),
        "window": test.get("window"),
        "cpu_minutes": None if training.get("cpu_seconds") is None else round(training["cpu_seconds"] / 60, 1),
        "steps": manifest.get("steps"),
        "parameters": test.get("parameters"),
        "recipe": (training.get("recipe") or {}).get("file"),
        "recipe_sha256": (training.get("recipe") or {}).get("sha256"),
        "command": manifest.get("command"),
    }


def best_published(benchmark: str) -> dict[str, dict | None]:
    """The lowest published figure of each kind (``exact``, ``bound``, ``estimate``) on a benchmark."""
    best: dict[str, dict | None] = {"exact": None, "bound": None, "estimate": None}
    for row in BENCHMARKS[benchmark].published_table():
        if row["kind"] in best and (best[row["kind"]] is None or row["nll"] < best[row["kind"]]["nll"]):
            best[row["kind"]] = row
    return best


def benchmark_table() -> list[dict[str, Any]]:
    """Every (benchmark, token model) pair with a shipped checkpoint, each with the benchmark's best
    published exact figure, bound and estimate beside it and whether the model is below them."""
    rows = []
    for benchmark in BENCHMARK_CORPORA:
        published = best_published(benchmark)
        for model in TOKEN_MODELS:
            row = shipped_row(model, benchmark)
            if row is None:
                continue
            for kind, best in published.items():
                row[f"best_published_{kind}"] = None if best is None else {"model": best["model"], "nll": best["nll"]}
                row[f"below_best_{kind}"] = None if best is None else row["test_nll"] < best["nll"]
            rows.append(row)
    return rows


def format_benchmark_table(rows: list[dict[str, Any]]) -> str:
    """The table as fixed-width text (what the benchmark script and the lessons print)."""
    head = (f"{'benchmark':<11}{'model':<12}{'test NLL':>9}{'unseen':>8}{'CPU min':>8}{'params':>9}"
            f"   {'best exact (published)':<34}{'best bound':<20}")  # fmt: skip
    lines = [head, "-" * len(head)]
    for row in rows:
        exact, bound = row["best_published_exact"], row["best_published_bound"]
        unseen = "-" if row["unseen_frame_share"] is None else f"{row['unseen_frame_share']:.1%}"
        cpu = "-" if row["cpu_minutes"] is None else f"{row['cpu_minutes']:.1f}"
        exact_text = "-" if exact is None else f"{exact['nll']:.2f} {exact['model']}"[:33]
        bound_text = "-" if bound is None else f"{bound['nll']:.2f} {bound['model'].split(' (')[0]}"
        lines.append(
            f"{row['benchmark']:<11}{row['model']:<12}{row['test_nll']:>9.3f}{unseen:>8}{cpu:>8}{row['parameters']:>9,}"
            f"   {exact_text:<34}{bound_text:<20}"
        )
    return "\n".join(lines)
