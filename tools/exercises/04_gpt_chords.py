"""Graded exercises of lesson 04 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises on the chord-token vocabulary. Write your code where it says `YOUR CODE HERE`,
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
**Exercise 2 (2 points): does the vocabulary saturate?** Write `vocabulary_size(frames)`: the number
of distinct pitch sets in a list of pieces. The cell prints it for growing shares of the training
split: if it kept saturating, doubling the data would add few new tokens.
""", None),
    ("code", """
def vocabulary_size(frames):
    ### BEGIN SOLUTION
    return len({tuple(row.nonzero()[0]) for piece in frames for row in piece})
    ### END SOLUTION


for share in (0.125, 0.25, 0.5, 1.0):
    pieces = ex_train[: int(len(ex_train) * share)]
    print(f"{len(pieces):>4} pieces: {vocabulary_size(pieces):>6} pitch sets")
""", solution("ex04-vocab")),
    ("code", """
assert vocabulary_size(ex_train) == len({s for piece in ex_train for s in exercises.pitch_sets(piece)})
assert vocabulary_size(ex_train[:10]) < vocabulary_size(ex_train)
""", test("ex04-vocab-test", 2)),
]
