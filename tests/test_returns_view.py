"""Lesson 06's view of the returns sweep (companion/returns_view.py), on a tiny synthetic results file
shaped like results/returns_curves.jsonl: a floor row per corpus and points over several rungs."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from companion import returns, returns_view  # noqa: E402

RUNGS = (0.5, 1, 2, 4)


def _floor(corpus: str) -> dict:
    refs = {"floor": (0.5, [0.4, 0.61], 12.0), "random": (0.99, [0.97, 1.0], 1400.0),
            "shuffled": (0.76, [0.67, 0.84], 440.0), "copy": (0.49, [0.39, 0.59], 12.3)}  # fmt: skip
    return {
        "kind": "floor", "corpus": corpus, "split": "valid", "excerpts": 48,
        "headline": {name: {"accuracy": a, "ci": ci} for name, (a, ci, _) in refs.items()},
        "sets": {name: {"accuracy": a, "ci": ci, "frechet": {"value": f, "ci": [f * 0.8, f * 1.2]}}
                 for name, (a, ci, f) in refs.items()},
    }  # fmt: skip


def _point(model: str, corpus: str, seed: int, minutes: float, accuracy: float, ci: list, frechet: float,
           nll: float | None) -> dict:  # fmt: skip
    return {"kind": "point", "model": model, "corpus": corpus, "seed": seed, "minutes": minutes, "split": "valid",
            "excerpts": 48, "headline": {"accuracy": accuracy, "ci": ci},
            "frechet": {"value": frechet, "ci": [frechet * 0.9, frechet * 1.1]},
            "nll": {"nll_nats_per_token": nll} if nll is not None else {}}  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """One file for the module, so the bootstrap fits (cached per file by returns_view) run once."""
    path = tmp_path_factory.mktemp("returns") / "returns_curves.jsonl"
    for corpus in ("bach", "jazz"):
        returns.append_row(path, _floor(corpus))
    for i, minutes in enumerate(RUNGS):
        for seed in (0, 1):
            # a transformer the classifier always tells apart, its NLL still falling
            for corpus in ("bach", "jazz"):
                returns.append_row(path, _point("gpt-chords", corpus, seed, minutes, 1.0, [1.0, 1.0], 900 - 100 * i,
                                             8.0 / (i + 1) + 0.01 * seed))  # fmt: skip
            # a GAN whose headline comes down into the noise floor's interval at the top rung
            accuracy = float(returns.power_law(minutes, 0.5, 0.2, 1.0)) + 0.01 * seed
            returns.append_row(path, _point("musegan-hybrid", "bach", seed, minutes, accuracy,
                                         [accuracy - 0.1, min(accuracy + 0.1, 1.0)], 300 / (i + 1), None))  # fmt: skip
    for minutes in RUNGS[:2]:  # a model with only its first rungs so far
        returns.append_row(path, _point("image-gan", "jazz", 0, minutes, 0.9, [0.8, 0.97], 200.0, None))
    return path


def test_the_figure_has_one_panel_per_corpus_for_every_metric(results):
    for metric in ("accuracy", "frechet", "nll"):
        fig = returns_view.figure(results, metric)
        try:
            assert isinstance(fig, matplotlib.figure.Figure)
            assert [ax.get_title() for ax in fig.axes] == ["bach", "jazz"]
        finally:
            plt.close(fig)


def test_the_floors_table_has_one_row_per_model_and_corpus(results):
    header, rows = returns_view.floors_table(results)
    assert {(row[0], row[1]) for row in rows} == {("gpt-chords", "bach"), ("gpt-chords", "jazz"),
                                                 ("musegan-hybrid", "bach"), ("image-gan", "jazz")}  # fmt: skip
    assert len(rows) == 4 and all(len(row) == len(header) for row in rows)
    _, nll_rows = returns_view.floors_table(results, "nll")
    assert {(row[0], row[1]) for row in nll_rows} == {("gpt-chords", "bach"), ("gpt-chords", "jazz")}


def test_the_conclusions_say_saturated_not_shown_to_differ_and_still_falling(results):
    lines = returns_view.conclusions(results)
    about = {key: [line for line in lines if line.startswith(f"{key}:")]
             for key in ("gpt-chords:bach", "musegan-hybrid:bach", "image-gan:jazz")}  # fmt: skip
    assert any("saturated" in line for line in about["gpt-chords:bach"])
    assert any("misses the noise floor" in line for line in about["gpt-chords:bach"])
    hybrid = about["musegan-hybrid:bach"]
    assert any("overlaps the noise floor" in line and "not shown to differ" in line for line in hybrid)
    assert not any("saturated" in line for line in about["musegan-hybrid:bach"])
    assert any("NLL still falls" in line for line in about["gpt-chords:bach"])
    assert not any("NLL" in line for line in about["musegan-hybrid:bach"])  # no likelihood, no NLL line
    assert any("too few rungs" in line for line in about["image-gan:jazz"])
    assert any("3 of 4 model:corpus curves" in line for line in lines)


def test_the_shipped_models_verdict_names_no_single_best_where_intervals_overlap(tmp_path):
    import json

    from companion import returns_view

    def row(model, accuracy, ci, sha):
        return {"model": model, "corpus": "bach", "sha256": sha, "steps": 100, "cpu_seconds": 60.0,
                "wall_seconds": 90.0, "headline": {"generated": {"accuracy": accuracy, "ci": ci},
                                                   "floor": {"accuracy": 0.5, "ci": [0.4, 0.6]}},
                "roll": {}, "frechet": {"value": 12.0}}  # fmt: skip

    path = tmp_path / "shipped.jsonl"
    rows = [row("gpt-events", 0.7, [0.58, 0.78], "a"), row("gpt-chords", 0.74, [0.7, 0.8], "b"),
            row("image-gan", 1.0, [1.0, 1.0], "c")]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    header, table = returns_view.shipped_table(path, "bach")
    assert [r[0] for r in table] == ["gpt-events", "gpt-chords", "image-gan"]  # best headline first
    assert table[0][2] == "1.0 CPU min"
    verdict = returns_view.shipped_verdict(path, "bach")
    assert "gpt-events, 0.70 [0.58, 0.78]" in verdict and "overlaps gpt-chords's" in verdict
    assert "it overlaps: not shown to differ" in verdict  # [0.58, 0.78] reaches the floor's [0.4, 0.6]
    assert "its mean meets the goal (at most 0.75) but its interval reaches above it" in verdict
