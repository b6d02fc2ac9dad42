"""The lesson-06 report helpers, on small hand-made results and on the committed sweeps."""

import json

from companion.report import closest_to_real, gaps_to_real, load_results, sweep_series, table_rows

RESULTS = {
    "rows": [
        {"model": "real data (test split)", "chord_tone_rate": 0.8, "register_adherence_mean": 1.0},
        {"model": "a", "chord_tone_rate": 0.7, "register_adherence_mean": None},
        {"model": "b", "chord_tone_rate": 0.75, "register_adherence_mean": 0.9},
    ]
}


def test_gaps_and_the_closest_model_ignore_undefined_metrics():
    gaps = gaps_to_real(RESULTS)
    assert abs(gaps["a"]["chord_tone_rate"] - 0.1) < 1e-9 and gaps["a"]["register_adherence_mean"] is None
    assert closest_to_real(RESULTS, "chord_tone_rate")[0] == "b"
    assert closest_to_real(RESULTS, "register_adherence_mean")[0] == "b"


def test_musegan_data_sweep_is_plotted_in_percentage_points(tmp_path):
    point = {"train_bars": 100, "gap": {"QN_mean": 2.0, "EB_mean": 5.0, "chord_tone_rate": 0.05}}
    sweep = {"command": "python -m companion.experiments.musegan_datasize", "model": "musegan-hybrid",
             "budget": {"steps": 1000}, "points": [{**point, "train_bars": 400}, point]}  # fmt: skip
    (tmp_path / "musegan_datasize.json").write_text(json.dumps(sweep))
    curves = sweep_series(tmp_path)["musegan data"]
    assert [c["label"] for c in curves] == ["musegan-hybrid: QN gap", "musegan-hybrid: EB gap",
                                            "musegan-hybrid: chord-tone gap"]  # fmt: skip
    assert curves[0]["x"] == [100, 400] and curves[2]["y"] == [5.0, 5.0]  # 0.05 of a share = 5 points


def test_the_committed_sweeps_all_reach_the_figure():
    series = sweep_series()
    assert {c["label"] for c in series["size"]} == {"gpt-chords", "gpt-events"}
    assert all(len(c["x"]) == 4 for c in series["musegan data"])


def test_the_comparison_table_shows_the_steps_each_model_got_in_its_budget():
    results = load_results("compare-bach")
    header, rows = table_rows(results)
    steps = header.index("steps")
    assert header[steps + 1] == "train s"
    by_model = {row[0]: row[steps] for row in rows}
    assert by_model["real data (test split)"] == "-"
    assert by_model["musegan-jamming"] == next(r["steps"] for r in results["rows"] if r["model"] == "musegan-jamming")


def test_the_comparison_splits_into_two_narrow_tables_with_rounded_numbers():
    from companion.report import comparison_tables, rounded

    results = load_results("compare-bach")
    header, rows = table_rows(results, "metrics")
    assert len(header) <= 10 and all(len(h) <= 12 for h in header)
    assert table_rows(results, "cost")[0][0] == "model" and len(table_rows(results, "cost")[0]) == 6
    assert (rounded(99.1639), rounded(0.1953), rounded(12.345), rounded(None), rounded(498308)) == (
        "99.2", "0.195", "12.3", "-", 498308)
    text = comparison_tables(results).data
    assert text.count("| model |") == 2 and "99.1639" not in text


def test_header_lines_break_between_fields_only(capsys):
    from companion.report import header

    header("python -m companion.experiments.x --corpus jazz", "|", "2026-11-25", "|", "x86_64, 2 CPU cores, " * 3,
           "| 4 min",
           width=60)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(line) <= 70 for line in lines[:-1])
    assert lines[0] == "python -m companion.experiments.x --corpus jazz | 2026-11-25"


def test_yardstick_rows_put_the_model_beside_the_floor_and_the_baselines():
    from companion.report import yardstick_rows

    yardstick = {
        "headline": {"metric": "accuracy", "generated": {"accuracy": 0.97, "ci": [0.93, 1.0]},
                     "floor": {"accuracy": 0.5, "ci": [0.4, 0.6]}},
        "sets": {"floor": {"frechet": {"value": 1.5, "ci": [1.0, 2.0]}, "overlap": {"mean_oa": 0.9}, "copy_rate": 0.0},
                 "generated": {"frechet": {"value": 12.25, "ci": None}, "overlap": {"mean_oa": 0.41}}},
    }
    header, rows = yardstick_rows(yardstick)
    assert header[:3] == ["set", "classifier accuracy", "95 % interval"]
    assert [r[0] for r in rows] == ["generated", "floor"]  # the model first, absent baselines left out
    assert rows[0] == ["generated", "0.97", "[0.93, 1.00]", "12.25", "-", "0.41", "-"]
    assert rows[1] == ["floor", "0.50", "[0.40, 0.60]", "1.50", "[1.00, 2.00]", "0.90", "0.00"]
