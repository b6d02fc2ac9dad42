"""``python -m companion compare``: every model trained for the same CPU budget and scored by the same
yardstick as ``evaluate`` (issue 14), beside the floor and baselines measured once for the corpus.

One tiny run serves every test: one cheap model, a few CPU seconds, 12 excerpts."""

import contextlib
import io
import json

import pytest

from companion.cli import main
from companion.compare import full_yardstick
from companion.report import gaps_to_real, table_rows

MODEL = "musegan-hybrid"
BUDGET_MINUTES = 0.1


def shape(value, key: str = ""):
    """The nested keys of a JSON value (leaves as None): what two results must share to be read alike. A
    metrics ``table`` counts by its metric names (its per-track parts name the tracks a model sounded)."""
    if key == "table":
        return sorted(value)
    return {k: shape(v, k) for k, v in value.items()} if isinstance(value, dict) else None


def run_cli(*args: str) -> tuple[int, str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(list(args))
    return status, printed.getvalue()


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """``compare --corpus jazz --models musegan-hybrid --budget-minutes 0.1 --excerpts 12``: its JSON and
    what it printed."""
    out = tmp_path_factory.mktemp("compare") / "compare-jazz.json"
    status, printed = run_cli("compare", "--corpus", "jazz", "--models", MODEL, "--budget-minutes", str(BUDGET_MINUTES),
                              "--excerpts", "12", "--device", "cpu", "--out", str(out))  # fmt: skip
    assert status == 0
    return json.loads(out.read_text()), printed


@pytest.fixture(scope="module")
def evaluated():
    """``evaluate musegan-hybrid:jazz --corpus jazz --excerpts 12 --json``: the yardstick as evaluate gives it."""
    status, printed = run_cli("evaluate", f"{MODEL}:jazz", "--corpus", "jazz", "--excerpts", "12", "--json",
                              "--threads", "1", "--device", "cpu")  # fmt: skip
    assert status == 0
    return json.loads(printed)["yardstick"]


def test_each_model_trains_for_cpu_minutes_and_carries_its_headline_with_intervals(compared):
    results, _ = compared
    assert results["budget_minutes"] == BUDGET_MINUTES and "CPU minutes" in results["budget"]
    assert "--excerpts 12" in results["command"] and f"--models {MODEL}" in results["command"]
    row = next(r for r in results["rows"] if r["model"] == MODEL)
    assert row["steps"] > 0
    assert BUDGET_MINUTES * 60 <= row["train_cpu_seconds"] < BUDGET_MINUTES * 60 + 30  # stopped by the budget
    assert row["yardstick_cpu_seconds"] > 0 and row["train_seconds"] > 0  # CPU seconds beside the wall seconds
    assert row["headline"] == row["yardstick"]["headline"]["generated"]
    low, high = row["headline"]["ci"]
    assert 0.0 <= low <= row["headline"]["accuracy"] <= high <= 1.0
    low, high = row["frechet"]["ci"]
    assert low <= row["frechet"]["value"] <= high
    low, high = row["overlap_mean_ci"]
    assert 0.0 <= low <= row["overlap_mean"] <= high <= 1.0


def test_the_yardstick_of_a_compared_model_reads_like_evaluates(compared, evaluated):
    results, _ = compared
    ours = full_yardstick(results, MODEL)
    assert ours["settings"]["excerpts"] == evaluated["settings"]["excerpts"] == 12
    assert list(ours["sets"]) == list(evaluated["sets"]) == ["generated", "floor", "random", "shuffled", "copy"]
    ours.pop("cost"), evaluated.pop("cost")  # CPU seconds per stage: compare measures the baselines apart
    assert shape(ours) == shape(evaluated)


def test_the_floor_and_baselines_are_measured_once_for_the_corpus_as_evaluate_measures_them(compared, evaluated):
    results, _ = compared
    corpus = results["yardstick"]
    assert list(corpus["sets"]) == ["floor", "random", "shuffled", "copy"]  # no model in it
    row = next(r for r in results["rows"] if r["model"] == MODEL)
    assert list(row["yardstick"]["sets"]) == ["generated", "floor"]  # each model's own call: no baselines
    for name in ("floor", "random", "shuffled", "copy"):  # the same excerpts and seed as evaluate's
        assert corpus["headline"][name] == evaluated["headline"][name]
    assert row["yardstick"]["headline"]["floor"] == corpus["headline"]["floor"]
    real = results["rows"][0]
    assert real["model"] == "real data (test split)" and real["headline"] == corpus["headline"]["floor"]
    assert results["baselines"]["copy"]["headline"] == corpus["headline"]["copy"]


def test_the_old_tables_of_lesson_06_still_read_the_new_file(compared):
    results, _ = compared
    header, rows = table_rows(results)
    assert [row[0] for row in rows] == ["real data (test split)", MODEL] and "train s" in header
    assert set(gaps_to_real(results)) == {MODEL}


def test_it_prints_the_metrics_the_yardstick_and_the_cost(compared):
    results, printed = compared
    assert "yardstick: 12 8-bar excerpts per set" in printed
    accuracy = results["rows"][1]["headline"]["accuracy"]
    assert any(line.split()[:2] == [MODEL, f"{accuracy:.2f}"] for line in printed.splitlines())
    assert "floor" in printed and "shuffled" in printed and "train_cpu_seconds" in printed


@pytest.mark.parametrize(("option", "value"), [("--budget-minutes", "0"), ("--excerpts", "0")])
def test_a_budget_or_excerpt_count_below_one_is_one_line_and_exit_2(option, value, capsys, tmp_path):
    out = tmp_path / "never.json"
    assert main(["compare", "--corpus", "jazz", option, value, "--out", str(out)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1 and not out.exists()
