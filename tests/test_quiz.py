"""The blind listening quiz (companion.quiz) and `python -m companion quiz-tally`."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from types import SimpleNamespace

import pytest

from companion import Note, Song, Tempo, TimeSignature, Track
from companion.cli import main
from companion.quiz import COLUMNS, Clip, Quiz, QuizError, coin_flip_listener, excerpt, render_clip


def _song(pitch: int, bars: int = 6) -> Song:
    notes = [Note(480 * k, pitch + k % 3, 480, 50 + k) for k in range(4 * bars)]
    return Song(tracks=[Track("voice", 0, False, notes)], resolution=480, tempos=[Tempo(0, 100.0)],
                time_signatures=[TimeSignature(0, 4, 4)], title=str(pitch))


@pytest.fixture
def quiz() -> Quiz:
    sources = [("real", 60, 0), ("musegan-hybrid", 64, 0), ("gpt-events", 67, 0), ("real", 55, 1920)]
    clips = [Clip(source, "bach", excerpt(_song(pitch), start, 8.0)) for source, pitch, start in sources]
    return Quiz(clips, listener="ada", seconds=8.0)


def test_clips_have_equal_length_and_loudness(quiz):
    lengths = {len(render_clip(c.song, 8.0, 8000)) for c in quiz.clips}
    assert lengths == {64000}
    assert {n.velocity for c in quiz.clips for n in c.song.notes} == {90}
    assert all(c.song.duration_seconds <= 8.0 + 0.61 for c in quiz.clips)  # cut to the 8 s (next beat at most)


def test_scripted_answers_write_the_expected_csv(quiz, tmp_path):
    quiz.answer(0, "real", rating=4)
    quiz.answer(1, "real", rating=3)
    quiz.answer(2, "generated")
    quiz.answer(3, "generated", rating=2)
    path = quiz.save(tmp_path / "ada.csv")
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["clip"], r["source"], r["truth"], r["answer"], r["rating"], r["correct"]) for r in rows] == [
        ("0", "real", "real", "real", "4", "1"),
        ("1", "musegan-hybrid", "generated", "real", "3", "0"),
        ("2", "gpt-events", "generated", "generated", "", "1"),
        ("3", "real", "real", "generated", "2", "0"),
    ]
    assert {r["listener"] for r in rows} == {"ada"}
    table = quiz.tally()
    assert list(table) == ["real", "gpt-events", "musegan-hybrid"]
    assert table["musegan-hybrid"]["share_fooled"] == 1.0 and table["gpt-events"]["share_fooled"] == 0.0
    assert table["real"]["share_fooled"] is None and table["real"]["share_judged_real"] == 0.5


def test_bad_answers_are_refused(quiz):
    with pytest.raises(QuizError):
        quiz.answer(0, "fake")
    with pytest.raises(QuizError):
        quiz.answer(9, "real")
    with pytest.raises(QuizError):
        quiz.answer(0, "real", rating=6)


def _tally(*args):
    """Run the verb in-process (as `python -m companion quiz-tally ARGS`); returns (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["quiz-tally", *map(str, args)])
    return SimpleNamespace(returncode=status, stdout=out.getvalue(), stderr=err.getvalue())


def test_quiz_tally_merges_two_csvs(quiz, tmp_path):
    quiz.answer_all(lambda clip: "real")  # listener 1 believes everything
    first = quiz.save(tmp_path / "one.csv")
    second_quiz = Quiz(quiz.clips, listener="bob")
    second_quiz.answer_all(lambda clip: ("generated" if clip.source == "gpt-events" else "real", 5))
    second = second_quiz.save(tmp_path / "two.csv")
    done = _tally(first, second, "--json", "--png", tmp_path / "class.png")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["files"], report["listeners"], report["rows"]) == (2, 2, 8)
    table = report["tally"]
    assert (table["real"]["answers"], table["real"]["judged_real"]) == (4, 4)
    events = table["gpt-events"]
    assert (events["answers"], events["judged_real"], events["share_fooled"]) == (2, 1, 0.5)
    assert (table["musegan-hybrid"]["judged_real"], table["musegan-hybrid"]["share_fooled"]) == (2, 1.0)
    assert table["musegan-hybrid"]["mean_rating"] == 5.0
    assert (tmp_path / "class.png").stat().st_size > 1000
    text = _tally(first, second)
    assert text.returncode == 0 and "gpt-events" in text.stdout and "(ceiling)" in text.stdout


HEADER = "listener,clip,source,corpus,truth,answer,rating,correct\n"


@pytest.mark.parametrize("content", ["a,b\n1,2\n", HEADER + "x,0,real,bach,real,maybe,,0\n",
                                     HEADER + "x,0,gpt-events,bach,real,real,,1\n",
                                     HEADER + "x,0,real,bach,real,real,9,1\n", HEADER, None])
def test_quiz_tally_bad_csv_exits_2_with_one_line(tmp_path, content):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content)
    done = _tally(path)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1 and "bad.csv" in done.stderr


def test_coin_flip_listener_is_seeded(quiz):
    first, second = coin_flip_listener(3), coin_flip_listener(3)
    answers = [first(c) for c in quiz.clips]
    assert answers == [second(c) for c in quiz.clips]
    assert all(a in ("real", "generated") and 1 <= r <= 5 for a, r in answers)
