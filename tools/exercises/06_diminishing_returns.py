"""Graded exercises of lesson 06 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises: a conclusion is only as good as the number behind it, and a return
diminishes where a doubling buys less than the noise. Write your code where it
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
**Exercise 2 (3 points, open): where does a doubling stop paying?** Read the stored size sweep of
the event transformer (`sweep_series()["size"]`, the series labelled `gpt-events`: validation
[NLL in nats per frame](definitions.ipynb#nll-frame) against parameters, lower is better). Take a noise floor of `noise_floor` nats
per frame (a gain smaller than this we would not trust or pay for; vary it and watch the answer
move). Plot the curve, compute `gain`, the NLL each step of the sweep saves, and `flat_from`, the
first size from which the next step saves less than the noise floor (`None` if none), and set
`diminishes` to `True` or `False` by the course's rule (the last step gains less than half of the
first).
""", None),
    ("code", """
import matplotlib.pyplot as plt

from companion import exercises
from companion.report import sweep_series

ex_curve = next(c for c in sweep_series()["size"] if c["label"] == "gpt-events")
xs, ys = ex_curve["x"], ex_curve["y"]
noise_floor = 0.05
### BEGIN SOLUTION
gain = [a - b for a, b in zip(ys, ys[1:])]
flat_from = next((x for x, g in zip(xs, gain) if g < noise_floor), None)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(xs, ys, marker="o")
ax.set_xscale("log")
ax.set_xlabel("parameters")
ax.set_ylabel("valid NLL (nats/frame)")
diminishes = gain[-1] < 0.5 * gain[0] and gain[0] > 0
### END SOLUTION
print("NLL saved per step:", [round(g, 3) for g in gain], "| flat from", flat_from, "| diminishes:", diminishes)
""", solution("ex06-open")),
    ("code", """
assert all(abs(a - b) < 1e-9 for a, b in zip(gain, exercises.gains(ys, higher_is_better=False)))
assert flat_from == exercises.first_flat_doubling(xs, ys, noise_floor)
assert isinstance(diminishes, bool) and diminishes == exercises.returns_diminish(ys, higher_is_better=False)
### BEGIN HIDDEN TESTS
assert exercises.first_flat_doubling(xs, ys, 1e9) == xs[0]
### END HIDDEN TESTS
print("your gains, your flat point and your judgement agree with companion.exercises")
""", test("ex06-open-test", 3)),
]
