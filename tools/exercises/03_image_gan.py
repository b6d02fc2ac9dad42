"""Graded exercises of lesson 03 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises on the image's time resolution: what a grid of seconds keeps, and whether a
finer grid keeps buying notes. Write your code where it says `YOUR CODE HERE`, then run the test
cell below it.
""", None),
    ("code", """
# Setup for the exercises (run it first): a chorale, at its own tempo
from companion import exercises, load_corpus
from companion.codecs import image

ex_song = load_corpus("bach").test[0]
print(ex_song.title, ex_song.num_notes, "notes at", ex_song.tempos[0].bpm, "bpm; the codec's step:",
      image.clip_seconds() / 192, "s")
""", setup("ex03-setup")),
    ("markdown", """
**Exercise 1 (2 points): which notes does a time grid keep?** The image codec samples time every
0.05 s. Write `notes_kept(song, seconds_per_step)`: the share of the song's notes whose start *and*
end, in seconds (`song.tick_to_seconds(tick)`), fall exactly on a multiple of `seconds_per_step`
(allow a rounding error of 1e-6 steps). Such a note comes back from the image unchanged.
""", None),
    ("code", """
def notes_kept(song, seconds_per_step):
    ### BEGIN SOLUTION
    notes = [n for t in song.tracks for n in t.notes]

    def on_grid(seconds):
        steps = seconds / seconds_per_step
        return abs(steps - round(steps)) < 1e-6

    kept = [n for n in notes if on_grid(song.tick_to_seconds(n.start)) and on_grid(song.tick_to_seconds(n.end))]
    return len(kept) / len(notes)
    ### END SOLUTION


print(f"at 0.05 s per step the image keeps {notes_kept(ex_song, 0.05):.1%} of the chorale's notes exactly")
""", solution("ex03-kept")),
    ("code", """
for step in (0.4, 0.2, 0.1, 0.05):
    assert abs(notes_kept(ex_song, step) - exercises.notes_kept_at_step(ex_song, step)) < 1e-12, step
### BEGIN HIDDEN TESTS
assert abs(notes_kept(ex_song, 0.03) - exercises.notes_kept_at_step(ex_song, 0.03)) < 1e-12
### END HIDDEN TESTS
print("notes_kept agrees with companion.exercises.notes_kept_at_step")
""", test("ex03-kept-test", 2)),
    ("markdown", """
**Exercise 2 (3 points, open): does a finer grid keep buying notes?** Vary the time step over 0.4,
0.2, 0.1, 0.05 and 0.025 s. Each halving doubles the image's width for the same music. Compute
`kept` (your `notes_kept` for each step), plot it against the step (log scale, coarse to fine), and
set `diminishes` to `True` or `False`: does each halving keep fewer new notes than the one before?
(The course's rule: the last step gains less than half of what the first gained.)
""", None),
    ("code", """
import matplotlib.pyplot as plt

steps = [0.4, 0.2, 0.1, 0.05, 0.025]
### BEGIN SOLUTION
kept = [notes_kept(ex_song, s) for s in steps]
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(steps, kept, marker="o")
ax.set_xscale("log", base=2)
ax.invert_xaxis()
ax.set_xlabel("seconds per step (coarse -> fine)")
ax.set_ylabel("share of notes kept exactly")
diminishes = kept[-1] - kept[-2] < 0.5 * (kept[1] - kept[0])
### END SOLUTION
print([round(k, 3) for k in kept], "diminishes:", diminishes)
""", solution("ex03-open")),
    ("code", """
reference = [exercises.notes_kept_at_step(ex_song, s) for s in steps]
assert len(kept) == len(steps) and all(abs(a - b) < 1e-12 for a, b in zip(kept, reference))
assert isinstance(diminishes, bool) and diminishes == exercises.returns_diminish(kept)
print("your sweep and your judgement agree with companion.exercises")
""", test("ex03-open-test", 3)),
]
