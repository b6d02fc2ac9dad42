"""The returns-curve sweep: its plan, its resume bookkeeping and the fit of a floor."""

import json

import numpy as np
import pytest

from companion import returns


def test_the_plan_climbs_every_run_rung_by_rung_with_three_seeds_up_to_eight_minutes():
    points = returns.plan(models=["gpt-events"], corpora=["bach"])
    minutes = [p.minutes for p in points]
    assert minutes == sorted(minutes)
    assert {p.seed for p in points if p.minutes <= 8} == {0, 1, 2}
    assert {p.seed for p in points if p.minutes > 8} == {0}
    assert max(minutes) == returns.LADDER_MINUTES[-1]


def test_finished_points_are_read_back_so_a_restarted_sweep_skips_them(tmp_path):
    results = tmp_path / "r.jsonl"
    returns.append_row(results, {"kind": "floor", "corpus": "bach"})
    returns.append_row(results, {"kind": "point", "model": "gpt-events", "corpus": "bach", "seed": 1, "minutes": 0.5})
    assert returns.finished(results) == {("gpt-events", "bach", 1, 0.5, "")}
    assert returns.Point("gpt-events", "bach", 1, 0.5).key in returns.finished(results)


def test_a_seed_other_than_0_can_climb_above_eight_minutes():
    points = returns.plan(models=["image-gan"], corpora=["jazz"], ladder=(8, 16), seeds=(1, 2), above_seed=2)
    assert [(p.seed, p.minutes) for p in points] == [(1, 8), (2, 8), (2, 16)]


def test_a_variant_is_a_run_of_its_own_with_its_own_checkpoint_and_key(tmp_path):
    plain = returns.Point("gpt-events", "bach", 0, 4)
    augmented = returns.Point("gpt-events", "bach", 0, 4, variant="transpose3")
    assert augmented.run_name == "gpt-events-transpose3-bach-seed0" != plain.run_name
    results = tmp_path / "r.jsonl"
    returns.append_row(results, {"kind": "point", "model": "gpt-events", "corpus": "bach", "seed": 0, "minutes": 4,
                                 "variant": "transpose3"})  # fmt: skip
    assert augmented.key in returns.finished(results) and plain.key not in returns.finished(results)
    assert returns.VARIANTS["transpose3"] == {"augment_transpose": 3}


def test_the_fit_recovers_a_known_floor_inside_its_interval():
    rng = np.random.default_rng(0)
    minutes = np.repeat(returns.LADDER_MINUTES, 3)
    values = returns.power_law(minutes, 0.7, 0.2, 0.8) + rng.normal(0, 0.005, len(minutes))
    fit = returns.fit_floor(minutes, values, boots=100)
    assert fit["y_inf"] == pytest.approx(0.7, abs=0.02)
    low, high = fit["y_inf_ci"]
    assert low <= 0.7 <= high and high - low < 0.1


def test_three_rungs_are_too_few_for_three_parameters_and_a_check():
    assert returns.fit_floor([1, 1, 2, 4], [0.9, 0.91, 0.85, 0.8])["y_inf"] is None


def test_a_headline_at_one_everywhere_is_saturated_not_flattened(tmp_path):
    results = tmp_path / "r.jsonl"
    for minutes in (0.5, 1, 2, 4):
        returns.append_row(results, {"kind": "point", "model": "gpt-chords", "corpus": "jazz", "seed": 0,
                                  "minutes": minutes, "headline": {"accuracy": 1.0, "ci": [1.0, 1.0]}})
    curve = returns.curves(results)["gpt-chords:jazz"]
    assert curve["saturated"] and curve["fit"]["y_inf"] is None
    assert curve["flattening"]["verdict"].startswith("saturated")


def test_a_curve_still_falling_at_the_top_rung_is_called_not_flattened():
    fit = {"y_inf": 0.5, "a": 0.4, "b": 0.2}
    steep = returns.flattening_minutes(fit, resolution=0.01, top=32)
    assert steep["within_ladder"] is False and "not flattened" in steep["verdict"]
    shallow = returns.flattening_minutes({"y_inf": 0.5, "a": 0.005, "b": 1.0}, resolution=0.01, top=32)
    assert shallow["within_ladder"] and shallow["minutes"] == 0.5


def test_curves_summarise_a_results_file_per_model_and_corpus(tmp_path):
    results = tmp_path / "r.jsonl"
    returns.append_row(results, {"kind": "floor", "corpus": "bach",
                              "headline": {"floor": {"accuracy": 0.5, "ci": [0.4, 0.6]}}})
    for minutes in (0.5, 1, 2, 4):
        for seed in (0, 1):
            acc = float(returns.power_law(minutes, 0.8, 0.15, 1.0)) + 0.01 * seed
            returns.append_row(results, {"kind": "point", "model": "gpt-events", "corpus": "bach", "seed": seed,
                                      "minutes": minutes, "headline": {"accuracy": acc, "ci": None}})
    summary = returns.curves(results)
    curve = summary["gpt-events:bach"]
    assert curve["ladder"]["0.5"]["seeds"] == 2
    assert curve["fit"]["y_inf"] == pytest.approx(0.805, abs=0.03)
    assert curve["flattening"]["resolution"] == pytest.approx(0.1)
    assert json.dumps(summary)


def test_a_run_that_stopped_early_is_not_scored_again_above_its_stop(tmp_path, monkeypatch):
    import companion.zoo
    from companion import returns

    path = tmp_path / "gpt-events-bach-seed0.pt"
    path.write_bytes(b"stands for a checkpoint")
    info = {"stopped_early": True, "cpu_seconds": 1730.7, "steps": 4800, "best_step": 4300}
    monkeypatch.setattr(companion.zoo, "load_checkpoint", lambda p: {"train": info})  # the zoo opens it
    assert returns.stopped_before(path, 16) is None  # it ran past 16 CPU minutes
    assert returns.stopped_before(path, 64) == {"train_cpu_seconds": 1730.7, "steps": 4800, "best_step": 4300,
                                                "above_minutes": 64}  # fmt: skip
    info["stopped_early"] = False
    assert returns.stopped_before(path, 64) is None
    assert returns.stopped_before(tmp_path / "missing.pt", 64) is None


def test_a_point_written_twice_counts_once(tmp_path):
    results = tmp_path / "r.jsonl"
    for accuracy in (0.9, 0.8):
        returns.append_row(results, {"kind": "point", "model": "gpt-events", "corpus": "bach", "seed": 0,
                                     "minutes": 1, "headline": {"accuracy": accuracy, "ci": [0.7, 1.0]}})  # fmt: skip
    points, _ = returns.read(results)
    assert [p["headline"]["accuracy"] for p in points] == [0.9]


def test_step_rungs_are_points_of_their_own_that_a_restarted_sweep_finds(tmp_path):
    points = returns.plan(models=["musegan-composer"], corpora=["bach"], seeds=(0, 1), ladder_steps=(3, 6))
    assert [(p.seed, p.minutes, p.rung_steps, p.rung) for p in points] == [
        (0, None, 3, "3steps"), (1, None, 3, "3steps"), (0, None, 6, "6steps"), (1, None, 6, "6steps")]
    results = tmp_path / "r.jsonl"
    returns.append_row(results, {"kind": "point", "model": "musegan-composer", "corpus": "bach", "seed": 1,
                                 "minutes": None, "rung_steps": 3})  # fmt: skip
    returns.append_row(results, {"kind": "point", "model": "musegan-composer", "corpus": "bach", "seed": 1,
                                 "minutes": 3})  # a 3-minute rung is another point  # fmt: skip
    assert [p.key in returns.finished(results) for p in points] == [False, True, False, False]


def test_a_run_that_stopped_early_below_a_step_rung_is_not_scored_at_it(tmp_path, monkeypatch):
    import companion.zoo

    path = tmp_path / "gpt-events-bach-seed0.pt"
    path.write_bytes(b"stands for a checkpoint")
    info = {"stopped_early": True, "cpu_seconds": 12.5, "steps": 40, "best_step": 30}
    monkeypatch.setattr(companion.zoo, "load_checkpoint", lambda p: {"train": info})  # the zoo opens it
    assert returns.stopped_before(path, None, steps=40) is None  # it reached the rung
    assert returns.stopped_before(path, None, steps=80) == {"train_cpu_seconds": 12.5, "steps": 40, "best_step": 30,
                                                            "above_steps": 80}  # fmt: skip
