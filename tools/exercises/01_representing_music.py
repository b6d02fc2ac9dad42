"""Graded exercises of lesson 01 (see tools/exercise_cells.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exercise_cells import setup, solution, test  # noqa: E402

CELLS = [
    ("markdown", """
## Exercises

Four graded exercises on the lesson's central move: turning one representation of time and
notes into another, and counting what is lost. Write your code where it says `YOUR CODE HERE`, then
run the test cell below it. `companion.exercises` holds reference solutions, if you are stuck.
""", None),
    ("code", """
# Setup for the exercises (run it first): a chorale and a jazz chorus
from companion import load_corpus
from companion.codecs import pianoroll

ex_song = load_corpus("bach").test[0]
ex_jazz = load_corpus("jazz", num_bars=300).test[0]
print(ex_song.title, ex_song.resolution, "ticks per beat,", ex_song.tempos[0].bpm, "bpm;", ex_jazz.title)
""", setup("ex01-setup")),
    ("markdown", """
**Exercise 1 (2 points): ticks to seconds by hand.** A chorale has a single tempo. Write
`tick_to_seconds(tick, resolution, bpm)`: a tick is `1 / resolution` of a beat and a beat lasts
`60 / bpm` seconds. The test compares you with `Song.tick_to_seconds`, which walks the tempo map.
""", None),
    ("code", """
def tick_to_seconds(tick, resolution, bpm):
    ### BEGIN SOLUTION
    return tick / resolution * 60.0 / bpm
    ### END SOLUTION
""", solution("ex01-seconds")),
    ("code", """
bpm = ex_song.tempos[0].bpm
for note in ex_song.tracks[0].notes[:20]:
    assert abs(tick_to_seconds(note.start, ex_song.resolution, bpm) - ex_song.tick_to_seconds(note.start)) < 1e-9
### BEGIN HIDDEN TESTS
assert abs(tick_to_seconds(720, 480, 90) - 1.0) < 1e-12
### END HIDDEN TESTS
print("tick_to_seconds agrees with Song.tick_to_seconds")
""", test("ex01-seconds-test", 2)),
    ("markdown", """
**Exercise 2 (2 points): which notes does a grid hold?** Write `share_off_grid(song, steps_per_beat)`:
the share of the song's notes (all tracks) whose *start* does not fall on a grid of
`steps_per_beat` steps per beat. Then compare the jazz chorus at 4 (16ths, the seed's grid) and at 12
steps per beat: swing eighths and triplets sit at a third of a beat.
""", None),
    ("code", """
def share_off_grid(song, steps_per_beat):
    ### BEGIN SOLUTION
    notes = [n for t in song.tracks for n in t.notes]
    return sum(1 for n in notes if (n.start * steps_per_beat) % song.resolution) / len(notes)
    ### END SOLUTION


print(f"off the 16th grid: {share_off_grid(ex_jazz, 4):.1%}, off the 12-per-beat grid: {share_off_grid(ex_jazz, 12):.1%}")
""", solution("ex01-grid")),
    ("code", """
from companion import exercises

assert share_off_grid(ex_jazz, 12) == 0.0
assert abs(share_off_grid(ex_jazz, 4) - exercises.share_off_grid(ex_jazz, 4)) < 1e-12
### BEGIN HIDDEN TESTS
assert abs(share_off_grid(ex_song, 4) - exercises.share_off_grid(ex_song, 4)) < 1e-12
### END HIDDEN TESTS
print("share_off_grid agrees with the reference")
""", test("ex01-grid-test", 2)),
    ("markdown", """
**Exercise 3 (3 points): count what a binary roll merges.** A binary piano roll (on/off cells, no
onsets) cannot tell a held note from the same pitch played again. Write
`merged_notes(track, resolution, steps_per_beat)`: the number of notes that start (on the grid) at or
before the step where an earlier note of the same pitch ends. The test checks you against the
codec's own round trip, `pianoroll.roundtrip_report(..., binary_only=True)`.
""", None),
    ("code", """
def merged_notes(track, resolution, steps_per_beat):
    ### BEGIN SOLUTION
    step = resolution / steps_per_beat
    sounding_until, merged = {}, 0
    for note in sorted(track.notes):
        start = round(note.start / step)
        end = max(round(note.end / step), start + 1)
        if sounding_until.get(note.pitch, -1) >= start:
            merged += 1
        sounding_until[note.pitch] = max(sounding_until.get(note.pitch, -1), end)
    return merged
    ### END SOLUTION
""", solution("ex01-merged")),
    ("code", """
report = pianoroll.roundtrip_report(ex_song, 12, binary_only=True)
mine = sum(merged_notes(t, ex_song.resolution, 12) for t in ex_song.tracks)
print(f"{ex_song.title}: you count {mine} merged notes; the codec lost {report['notes_in'] - report['notes_out']}")
assert mine == report["notes_in"] - report["notes_out"]
### BEGIN HIDDEN TESTS
jazz_report = pianoroll.roundtrip_report(ex_jazz, 12, binary_only=True)
assert sum(merged_notes(t, ex_jazz.resolution, 12) for t in ex_jazz.tracks) == jazz_report["notes_in"] - jazz_report["notes_out"]
### END HIDDEN TESTS
""", test("ex01-merged-test", 3)),
    ("markdown", """
**Exercise 4 (3 points, open): how fine a grid does a chorale need?** Vary the grid: for 1, 2, 4,
8 and 16 steps per beat, compute the share of `ex_song`'s notes that start exactly on it (use your
`share_off_grid`), plot it against the steps per beat, and set `diminishes` to `True` or `False`:
does each doubling of the grid buy less? (The course's rule: the last step gains less than half of
what the first gained.) Then say in a comment what a finer grid costs a model.
""", None),
    ("code", """
import matplotlib.pyplot as plt

from companion import exercises

grids = [1, 2, 4, 8, 16]
### BEGIN SOLUTION
exact = [1 - share_off_grid(ex_song, g) for g in grids]
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(grids, exact, marker="o")
ax.set_xscale("log", base=2)
ax.set_xlabel("steps per beat")
ax.set_ylabel("share of notes on the grid")
diminishes = exact[-1] - exact[-2] < 0.5 * (exact[1] - exact[0])
# each doubling doubles the roll's length (and a model's sequence) for fewer and fewer notes
### END SOLUTION
print([round(e, 3) for e in exact], "diminishes:", diminishes)
""", solution("ex01-open")),
    ("code", """
reference = exercises.share_exact_by_grid(ex_song, grids)
assert len(exact) == len(grids) and all(abs(a - b) < 1e-9 for a, b in zip(exact, reference))
assert isinstance(diminishes, bool) and diminishes == exercises.returns_diminish(exact)
### BEGIN HIDDEN TESTS
assert exercises.returns_diminish(exercises.share_exact_by_grid(ex_song, [1, 2, 4])) == diminishes
### END HIDDEN TESTS
print("your sweep and your judgement agree with companion.exercises")
""", test("ex01-open-test", 3)),
]
