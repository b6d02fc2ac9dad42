"""Graded exercises of lesson 02 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises: implement two of MuseGAN's metrics yourself and check them against the
package's. Write your code where it says `YOUR CODE HERE`, then run the test cell below it.
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
**Exercise 2 (2 points): empty bars.** Write `empty_bar_share(active, steps_per_bar)`: the share of
whole bars of a (steps, pitches) binary roll in which nothing sounds. At 12 steps per beat a 4/4
bar has 48 steps.
""", None),
    ("code", """
def empty_bar_share(active, steps_per_bar):
    ### BEGIN SOLUTION
    bars = active.shape[0] // steps_per_bar
    return sum(1 for b in range(bars) if not active[b * steps_per_bar:(b + 1) * steps_per_bar].any()) / bars
    ### END SOLUTION
""", solution("ex02-eb")),
    ("code", """
full = pianoroll.encode(ex_song, 12, num_steps=ex_song.num_bars * 48)
reference = metrics.empty_bar_rate(ex_song)
for index, track in enumerate(ex_song.tracks):
    mine = 100 * empty_bar_share(full.active[index], 48)
    print(f"{track.name:<12} yours {mine:6.2f} %   package {reference[track.name]:6.2f} %")
    assert abs(mine - reference[track.name]) < 0.01
""", test("ex02-eb-test", 2)),
]
