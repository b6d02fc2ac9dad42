"""Graded exercises of lesson 06 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises: a conclusion is only as good as the number behind it. Write your code where it
says `YOUR CODE HERE`, then run the test cell below it.
""", None),
    ("code", """
# Setup for the exercises (run it first): the stored comparison tables
from companion.report import closest_to_real, gaps_to_real, load_results

ex_results = {corpus: load_results(f"compare-{corpus}") for corpus in ("bach", "jazz")}
print([row["model"] for row in ex_results["jazz"]["rows"]])
""", setup("ex06-setup")),
    ("markdown", """
**Exercise 1 (2 points): the gap to real music.** Write `gap(results, model, metric)`: the absolute
difference between the model's value of `metric` and the real data's (the row whose `model` starts
with `"real data"`), or `None` when either value is missing.
""", None),
    ("code", """
def gap(results, model, metric):
    ### BEGIN SOLUTION
    rows = {row["model"]: row for row in results["rows"]}
    real = next(row for name, row in rows.items() if name.startswith("real data"))
    value, reference = rows[model].get(metric), real.get(metric)
    return None if value is None or reference is None else abs(value - reference)
    ### END SOLUTION
""", solution("ex06-gap")),
    ("code", """
reference = gaps_to_real(ex_results["jazz"])
for model, gaps in reference.items():
    for metric, expected in gaps.items():
        mine = gap(ex_results["jazz"], model, metric)
        assert (mine is None) == (expected is None) and (mine is None or abs(mine - expected) < 1e-3), (model, metric)
### BEGIN HIDDEN TESTS
assert gap(ex_results["bach"], "gpt-chords", "register_adherence_mean") is None
### END HIDDEN TESTS
print("gap agrees with companion.report.gaps_to_real")
""", test("ex06-gap-test", 2)),
    ("markdown", """
**Exercise 2 (3 points): defend a conclusion with a number.** Write `closest(results, metric)`: the
model whose `metric` is closest to the real data's, ignoring models where it is undefined. Then
print one sentence, built from your numbers, that says which architecture keeps the harmony of the
jazz corpus best (`chord_tone_rate`) and by how much it misses the real music.
""", None),
    ("code", """
def closest(results, metric):
    ### BEGIN SOLUTION
    models = [row["model"] for row in results["rows"] if not row["model"].startswith("real data")]
    defined = [(gap(results, m, metric), m) for m in models if gap(results, m, metric) is not None]
    return min(defined)[1]
    ### END SOLUTION


model = closest(ex_results["jazz"], "chord_tone_rate")
print(f"On jazz, {model} keeps the harmony best: its chord-tone rate misses the real music's by "
      f"{gap(ex_results['jazz'], model, 'chord_tone_rate'):.3f}.")
""", solution("ex06-closest")),
    ("code", """
for corpus in ("bach", "jazz"):
    for metric in ("chord_tone_rate", "diversity", "EB_mean"):
        assert closest(ex_results[corpus], metric) == closest_to_real(ex_results[corpus], metric)[0], (corpus, metric)
print("closest agrees with companion.report.closest_to_real")
""", test("ex06-closest-test", 3)),
]
