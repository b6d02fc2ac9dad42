"""Graded exercises of lesson 04 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises on the chord-token vocabulary, the second a small sweep of your own. Write your code where it says `YOUR CODE HERE`,
then run the test cell below it.
""", None),
    ("code", """
# Setup for the exercises (run it first): Bach chorales as 16th-note frames of sounding pitches
from companion import exercises, load_corpus
from companion.codecs import pianoroll

ex_corpus = load_corpus("bach")


def frames_of(song):
    # (frames, 128) binary: all four voices merged, as the chord-token codec merges them
    return pianoroll.encode(song, 4, quantize=True).active.any(axis=0)


ex_train = [frames_of(s) for s in ex_corpus.train]
ex_valid = [frames_of(s) for s in ex_corpus.valid]
print(len(ex_train), "training pieces,", sum(len(f) for f in ex_train), "frames")
""", setup("ex04-setup")),
    ("markdown", """
**Exercise 1 (3 points): the unseen-frame share.** Write `unseen_share(train_frames, test_frames)`:
the share of test frames (over all pieces) whose set of sounding pitches never occurs in any training
frame. Such a frame has no token of its own: the model can only say UNK.
""", None),
    ("code", """
def unseen_share(train_frames, test_frames):
    ### BEGIN SOLUTION
    known = {tuple(row.nonzero()[0]) for piece in train_frames for row in piece}
    test = [tuple(row.nonzero()[0]) for piece in test_frames for row in piece]
    return sum(1 for s in test if s not in known) / len(test)
    ### END SOLUTION


print(f"unseen 16th frames in the valid split: {unseen_share(ex_train, ex_valid):.1%}")
""", solution("ex04-unseen")),
    ("code", """
assert abs(unseen_share(ex_train, ex_valid) - exercises.unseen_frame_share(ex_train, ex_valid)) < 1e-12
assert unseen_share(ex_train, ex_train) == 0.0
print("unseen_share agrees with the reference")
""", test("ex04-unseen-test", 3)),
    ("markdown", """
**Exercise 2 (3 points, open): does more data close the vocabulary?** Vary the training-set size:
for the first 8, 16, 32, 64 and 128 training pieces, compute the unseen-frame share of the valid
split (your `unseen_share`), plot it against the number of pieces (log scale), and set `diminishes`
to `True` or `False`: does each doubling of the data remove fewer unseen frames? (The course's rule:
the last step gains less than half of what the first gained; here lower is better.) No training is
needed: the vocabulary is just the set of training pitch sets.
""", None),
    ("code", """
import matplotlib.pyplot as plt

sizes = [8, 16, 32, 64, 128]
### BEGIN SOLUTION
unseen = [unseen_share(ex_train[:n], ex_valid) for n in sizes]
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(sizes, unseen, marker="o")
ax.set_xscale("log", base=2)
ax.set_xlabel("training pieces")
ax.set_ylabel("unseen share of valid frames")
diminishes = exercises.returns_diminish(unseen, higher_is_better=False)
### END SOLUTION
print([round(u, 4) for u in unseen], "diminishes:", diminishes)
""", solution("ex04-open")),
    ("code", """
reference = exercises.unseen_by_train_size(ex_train, ex_valid, sizes)
assert len(unseen) == len(sizes) and all(abs(a - b) < 1e-12 for a, b in zip(unseen, reference))
assert isinstance(diminishes, bool) and diminishes == exercises.returns_diminish(unseen, higher_is_better=False)
### BEGIN HIDDEN TESTS
assert all(a >= b for a, b in zip(unseen, unseen[1:]))  # more data never adds unseen frames
### END HIDDEN TESTS
print("your sweep and your judgement agree with companion.exercises")
""", test("ex04-open-test", 3)),
]
