"""Graded exercises of lesson 02 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises: implement MuseGAN's qualified-note metric yourself and check it against the
package's, then run a small sweep of your own and judge whether its return diminishes. Write your code where it says `YOUR CODE HERE`, then run the test cell below it.
""", None),
    ("code", """
# Setup for the exercises (run it first): a jazz chorus, and a fragmented copy of it -- 30 % of its
# roll cells switched off, decoded from on/off cells as a GAN's output would be
import numpy as np

from companion import load_corpus, metrics
from companion.codecs import pianoroll

ex_song = load_corpus("jazz", num_bars=300).test[0]
ex_roll = pianoroll.encode(ex_song, 12, num_steps=ex_song.num_bars * 48)
ex_roll.active &= np.random.default_rng(0).random(ex_roll.active.shape) > 0.3
ex_roll.onsets = ex_roll.velocities = None
ex_fragmented = pianoroll.decode(ex_roll, resolution=ex_song.resolution)
print(ex_song.title, ex_song.num_notes, "notes;", ex_fragmented.num_notes, "after fragmenting")
""", setup("ex02-setup")),
    ("markdown", """
**Exercise 1 (3 points): qualified notes.** Write `qualified_share(durations_in_steps, min_steps=3)`:
the share (0..1) of notes at least `min_steps` steps long. This lesson uses the paper's threshold of
3 steps at 12 steps per beat (a 16th note); MuseGAN's code used 2. The test compares you with
`metrics.qualified_note_rate` (a percentage) on the fragmented chorus, track by track.
""", None),
    ("code", """
def qualified_share(durations_in_steps, min_steps=3):
    ### BEGIN SOLUTION
    return sum(1 for d in durations_in_steps if d >= min_steps) / len(durations_in_steps)
    ### END SOLUTION
""", solution("ex02-qn")),
    ("code", """
assert qualified_share([1, 2, 3, 4, 12]) == 0.6
step = ex_fragmented.resolution // 12
reference = metrics.qualified_note_rate(ex_fragmented)
for track in ex_fragmented.tracks:
    if track.notes and not track.is_drum:
        mine = 100 * qualified_share([n.duration // step for n in track.notes])
        print(f"{track.name:<12} yours {mine:6.2f} %   package {reference[track.name]:6.2f} %")
        assert abs(mine - reference[track.name]) < 0.01
### BEGIN HIDDEN TESTS
assert qualified_share([1, 2, 3], min_steps=2) == 2 / 3
### END HIDDEN TESTS
""", test("ex02-qn-test", 3)),
    ("markdown", """
**Exercise 2 (3 points, open): does a lower threshold mend the fragments?** A shipped MuseGAN
outputs a probability per cell; a roll is read from it with a threshold. Vary the threshold over
0.5, 0.4, 0.3, 0.2 and 0.1 on the probabilities below (8 phrases of the hybrid model on Bach),
compute the mean QN (%) of each roll with `exercises.qn_at_threshold` or your own code, plot QN
against the threshold (from 0.5 downwards) and set `diminishes` to `True` or `False`: does lowering
the threshold further keep buying qualified notes? (The course's rule: the last step gains less than
half of what the first gained.)
""", None),
    ("code", """
import matplotlib.pyplot as plt

from companion import exercises, zoo

ex_ckpt = zoo.load("musegan-hybrid:bach")
ex_probabilities = exercises.musegan_probabilities(ex_ckpt, phrases=8, seed=0)
thresholds = [0.5, 0.4, 0.3, 0.2, 0.1]
### BEGIN SOLUTION
qn = [exercises.qn_at_threshold(ex_ckpt, ex_probabilities, t) for t in thresholds]
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(thresholds, qn, marker="o")
ax.invert_xaxis()
ax.set_xlabel("threshold (lower: more cells on)")
ax.set_ylabel("mean QN %")
diminishes = exercises.returns_diminish(qn)
### END SOLUTION
print([round(q, 2) for q in qn], "diminishes:", diminishes)
""", solution("ex02-open")),
    ("code", """
reference = [exercises.qn_at_threshold(ex_ckpt, ex_probabilities, t) for t in thresholds]
assert len(qn) == len(thresholds) and all(abs(a - b) < 1e-6 for a, b in zip(qn, reference))
assert isinstance(diminishes, bool) and diminishes == exercises.returns_diminish(qn)
print("your sweep and your judgement agree with companion.exercises")
""", test("ex02-open-test", 3)),
]
