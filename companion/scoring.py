"""How every architecture's music is scored, one way for all (:func:`companion.family.evaluate`):
real excerpts cut to the generated length, the shared metrics with the corpus's registers and
recognised chords on both sides, the copy rate against the training split as the codec holds it, the
shared table, and plain JSON-able numbers.

Used by :mod:`companion.family`, so by every lesson's evaluation (notebooks 02-06) and the CLI.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .data import registers_for
from .song import Song


def real_excerpts(songs: list[Song], bars: int) -> list[Song]:
    """Consecutive ``bars``-bar excerpts of the songs (notes cut at the ends; chord labels dropped, so
    real and generated music are scored against the same recognised chords)."""
    out = []
    for song in songs:
        length = bars * song.ticks_per_bar
        for start in range(0, song.num_bars - bars + 1, bars):
            excerpt = song.crop(start * song.ticks_per_bar, start * song.ticks_per_bar + length)
            excerpt.chords = []
            excerpt.title = f"{song.title} bars {start + 1}-{start + bars}"
            out.append(excerpt)
    return out


def score(songs: list[Song], *, corpus: str, reference: list[Song]) -> dict[str, Any]:
    """:func:`companion.metrics.corpus_metrics` of ``songs`` as every family is scored: the corpus's
    registers, chords recognised (not read from labels), the copy rate against ``reference`` (the train
    split as the codec sees it)."""
    from . import metrics

    return metrics.corpus_metrics(songs, registers=registers_for(corpus), training=reference)


def measure(generated: list[Song], real: list[Song], *, corpus: str, reference: list[Song]) -> dict[str, Any]:
    """:func:`score` of the generated and of the real songs: two families given the same songs get the
    same keys and values."""
    return {"generated": score(generated, corpus=corpus, reference=reference),
            "real": score(real, corpus=corpus, reference=reference)}  # fmt: skip


TABLE_ROWS = (
    ("notes_per_bar", "notes per bar"),
    ("EB_mean", "EB (% empty bars)"),
    ("UPC_mean", "UPC (pitch classes per bar)"),
    ("QN_mean", "QN (% notes >= 3 of 12 steps per beat)"),
    ("chord_tone_rate", "chord-tone rate (recognised chords)"),
    ("register_adherence_mean", "register adherence"),
    ("diversity", "diversity"),
    ("copy_rate", "copy rate (4-bar windows of the train split)"),
)
"""The rows of :func:`table`: metric key of :func:`companion.metrics.corpus_metrics`, label."""


def table(result: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """``(header, rows)`` of an :func:`evaluate` result: each shared metric for the real split as
    written, the split as the codec holds it and the generated songs (None where undefined, e.g.
    register adherence of one merged track)."""
    columns = (("real", "real"), ("real_as_codec", "real, as the codec holds it"), ("generated", "generated"))

    def value(row: dict[str, Any], key: str) -> Any:
        if key == "notes_per_bar":
            return round(row["notes"] / row["bars"], 2) if row.get("bars") else None
        return row.get(key)

    rows = [[label] + [value(result[part], key) for part, _ in columns] for key, label in TABLE_ROWS]
    return ["metric"] + [name for _, name in columns], rows


def plain(value: Any) -> Any:
    """JSON-able: numpy scalars to Python, NaN to None, floats rounded to 4 decimals."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value
