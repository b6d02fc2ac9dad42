"""Graded exercises of lesson 05 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises on the event representation, the second a small sweep of your own. Write your code where it says `YOUR CODE HERE`,
then run the test cell below it.
""", None),
    ("code", """
# Setup for the exercises (run it first): a chorale as event tokens
from companion import exercises, load_corpus
from companion.codecs.events import EventCodec
from companion.song import PITCH_CLASS_NAMES, pitch_name

ex_song = load_corpus("bach").test[0]
ex_codec = EventCodec()
ex_codec.fit([ex_song])
ex_names = ex_codec.describe(ex_codec.encode(ex_song))
print(len(ex_names), "tokens; the first:", ex_names[:12])
""", setup("ex05-setup")),
    ("markdown", """
**Exercise 1 (2 points): octave and pitch class.** The seed says a piano roll hides the octave; an
event representation names it. Write `split_pitch(pitch)` returning `(octave, pitch_class)` with
middle C = C4 = MIDI 60, so that `PITCH_CLASS_NAMES[pitch_class] + str(octave)` is the pitch's name
and `Octave_{octave}` is the codec's octave token for it.
""", None),
    ("code", """
def split_pitch(pitch):
    ### BEGIN SOLUTION
    return pitch // 12 - 1, pitch % 12
    ### END SOLUTION
""", solution("ex05-octave")),
    ("code", """
for pitch in range(128):
    octave, pitch_class = split_pitch(pitch)
    assert f"{PITCH_CLASS_NAMES[pitch_class]}{octave}" == pitch_name(pitch), pitch
    assert 12 * (octave + 1) + pitch_class == pitch
print("split_pitch names every MIDI pitch right")
""", test("ex05-octave-test", 2)),
    ("markdown", """
**Exercise 2 (3 points, open): does cooling the sampler keep it in key?** Vary the sampling
temperature of the shipped `gpt-events:bach` over 2.0, 1.5, 1.0, 0.7 and 0.5 (one 4-bar piece each,
seed 0), compute the [chord-in-key rate](definitions.ipynb#chord-in-key-rate) of each piece
(`metrics.chord_in_key_rate`), plot it against the temperature (from hot to cold) and set
`diminishes` to `True` or `False`: does each further cooling buy less? (The course's rule: the last
step gains less than half of what the first gained.) One piece per temperature is noisy: say in a
comment what you would change to trust the answer.
""", None),
    ("code", """
import matplotlib.pyplot as plt

from companion import metrics, zoo

ex_ckpt = zoo.load("gpt-events:bach")
temperatures = [2.0, 1.5, 1.0, 0.7, 0.5]
### BEGIN SOLUTION
in_key = [metrics.chord_in_key_rate(zoo.generate(ex_ckpt, bars=4, seed=0, temperature=t)) for t in temperatures]
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(temperatures, in_key, marker="o")
ax.invert_xaxis()
ax.set_xlabel("temperature (hot -> cold)")
ax.set_ylabel("chord-in-key rate")
diminishes = exercises.returns_diminish(in_key)
# more seeds per temperature (and longer pieces) before trusting one curve
### END SOLUTION
print([round(v, 3) for v in in_key], "diminishes:", diminishes)
""", solution("ex05-open")),
    ("code", """
reference = exercises.in_key_by_temperature(ex_ckpt, temperatures, bars=4, seed=0)
assert len(in_key) == len(temperatures) and all(abs(a - b) < 1e-9 for a, b in zip(in_key, reference))
assert isinstance(diminishes, bool) and diminishes == exercises.returns_diminish(in_key)
print("your sweep and your judgement agree with companion.exercises")
""", test("ex05-open-test", 3)),
]
