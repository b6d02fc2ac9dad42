"""Graded exercises of lesson 03 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises on the RGB packing. Write your code where it says `YOUR CODE HERE`, then run
the test cell below it.
""", None),
    ("code", """
# Setup for the exercises (run it first): the first 9.6 s of a chorale as an RGB-packed image
from companion import load_corpus
from companion.codecs import image

ex_song = load_corpus("bach").test[0]
ex_image = image.encode(ex_song.crop(0, 8 * ex_song.ticks_per_bar))
print(ex_image.shape, "(channels, pitch rows, columns)")
""", setup("ex03-setup")),
    ("markdown", """
**Exercise 1 (2 points): find the 9.6 s.** Write `image_seconds(columns, channels, seconds_per_step)`:
how many seconds an image holds when each channel of each column is one time step. The seed wrote
"192 on/off pixels x 0.05 s = 9.2 s"; check which number is right.
""", None),
    ("code", """
def image_seconds(columns, channels, seconds_per_step):
    ### BEGIN SOLUTION
    return columns * channels * seconds_per_step
    ### END SOLUTION


print(f"64 RGB columns hold {image_seconds(64, 3, 0.05):.1f} s")
""", solution("ex03-seconds")),
    ("code", """
assert abs(image_seconds(64, 3, 0.05) - image.clip_seconds()) < 1e-9
assert abs(image_seconds(64, 3, 0.05) - 9.2) > 0.3  # the seed's arithmetic slip
### BEGIN HIDDEN TESTS
assert abs(image_seconds(192, 1, 0.05) - 9.6) < 1e-9
### END HIDDEN TESTS
""", test("ex03-seconds-test", 2)),
    ("markdown", """
**Exercise 2 (3 points): unpack a column by hand.** In the packed image, time step `3 * c + k` is
channel `k` of column `c`. Write `column_steps(img, c)`: a (pitch rows, 3) array whose column `k`
is time step `3 * c + k`. The test compares you with the codec's `image.unpack` on every column.
""", None),
    ("code", """
def column_steps(img, c):
    ### BEGIN SOLUTION
    return img[:, :, c].T
    ### END SOLUTION
""", solution("ex03-unpack")),
    ("code", """
steps = image.unpack(ex_image)  # (pitch rows, 192 time steps)
for c in range(ex_image.shape[2]):
    assert (column_steps(ex_image, c) == steps[:, 3 * c:3 * c + 3]).all(), c
print("every column unpacks like image.unpack")
""", test("ex03-unpack-test", 3)),
]
