"""Graded exercises of lesson 05 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Two graded exercises on the event representation. Write your code where it says `YOUR CODE HERE`,
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
**Exercise 2 (3 points): the tokens of one bar.** Write `bar_tokens(names, bar)`: the token names of
bar number `bar` (0-based), from its `Bar` token up to (not including) the next `Bar` token or the
end. Every pitched note of the bar has exactly one `Octave_*` token: the test counts them against
the notes that start in that bar of the chorale.
""", None),
    ("code", """
def bar_tokens(names, bar):
    ### BEGIN SOLUTION
    starts = [i for i, name in enumerate(names) if name == "Bar"] + [len(names)]
    return names[starts[bar]:starts[bar + 1]]
    ### END SOLUTION


print(bar_tokens(ex_names, 1))
""", solution("ex05-bar")),
    ("code", """
for bar in range(4):
    tokens = bar_tokens(ex_names, bar)
    assert tokens[0] == "Bar" and "Bar" not in tokens[1:]
    start, end = bar * ex_song.ticks_per_bar, (bar + 1) * ex_song.ticks_per_bar
    notes = sum(1 for t in ex_song.tracks for n in t.notes if start <= n.start < end)
    assert sum(name.startswith("Octave_") for name in tokens) == notes, bar
assert bar_tokens(ex_names, 2) == exercises.bar_tokens(ex_names, 2)
print("bar_tokens finds one Octave token per note in every bar checked")
""", test("ex05-bar-test", 3)),
]
