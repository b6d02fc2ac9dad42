"""Student versions: solutions become stubs, hidden tests vanish, outputs are cleared."""

import json

import pytest

from companion import CompanionError
from companion.cli import main
from companion.student import CODE_STUB, student_notebook, write_student_versions


def cell(source, kind="code", **nbgrader):
    data = {"cell_type": kind, "metadata": {"nbgrader": nbgrader} if nbgrader else {}, "source": source}
    if kind == "code":
        data |= {"outputs": [{"output_type": "stream", "name": "stdout", "text": "42\n"}], "execution_count": 3}
    return data


TEACHER = {
    "cells": [
        cell("x = 1  # lesson code stays"),
        cell("def seconds(ticks):\n    ### BEGIN SOLUTION\n    return ticks / 960\n    ### END SOLUTION\n",
             solution=True, grade=False, grade_id="ex1", schema_version=3),
        cell("assert seconds(960) == 1\n### BEGIN HIDDEN TESTS\nassert seconds(0) == 0\n### END HIDDEN TESTS\n",
             solution=False, grade=True, grade_id="ex1-test", points=1, schema_version=3),
        cell("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", kind="markdown", solution=True),
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_solutions_become_stubs_and_hidden_tests_disappear():
    student = student_notebook(TEACHER)
    lesson, solution, test, answer = student["cells"]
    assert lesson["source"] == "x = 1  # lesson code stays"
    assert solution["source"] == "def seconds(ticks):\n    " + CODE_STUB.replace("\n", "\n    ") + "\n"
    assert "HIDDEN" not in test["source"] and "seconds(0)" not in test["source"]
    assert "assert seconds(960) == 1" in test["source"]
    assert answer["source"] == "Why?\nYOUR ANSWER HERE"
    assert all(c.get("outputs", []) == [] for c in student["cells"])
    assert TEACHER["cells"][1]["outputs"]  # the teacher notebook is untouched


def test_the_stubbed_solution_fails_its_test():
    student = student_notebook(TEACHER)
    namespace = {}
    exec(student["cells"][1]["source"], namespace)
    with pytest.raises(NotImplementedError):
        exec(student["cells"][2]["source"], namespace)


def test_unbalanced_markers_are_an_error():
    broken = {"cells": [cell("### BEGIN SOLUTION\nx = 1\n", solution=True)]}
    with pytest.raises(CompanionError, match="unbalanced"):
        student_notebook(broken, "broken.ipynb")


def test_cli_writes_student_versions(tmp_path):
    source = tmp_path / "teacher"
    source.mkdir()
    (source / "01_lesson.ipynb").write_text(json.dumps(TEACHER))
    assert main(["student", "--out", str(tmp_path / "s"), "--notebooks", str(source)]) == 0
    written = json.loads((tmp_path / "s" / "01_lesson.ipynb").read_text())
    assert "raise NotImplementedError()" in written["cells"][1]["source"]
    with pytest.raises(CompanionError, match="no lesson notebooks"):
        write_student_versions(tmp_path / "empty", tmp_path / "s2")


def test_the_committed_student_versions_are_in_sync_with_the_teacher_versions():
    """notebooks/student/ is what Binder, Colab and the README open; regenerate it with
    ``python -m companion student --out notebooks/student`` after changing a lesson."""
    import json
    from pathlib import Path

    from companion.student import relocate, student_notebook

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    lessons = sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in (notebooks / "student").glob("*.ipynb")) == [p.name for p in lessons]
    for lesson in lessons:
        expected = relocate(student_notebook(json.loads(lesson.read_text()), str(lesson)), "student")
        committed = json.loads((notebooks / "student" / lesson.name).read_text())
        assert committed == expected, f"notebooks/student/{lesson.name} is stale: regenerate it"


def test_every_lesson_installs_the_package_only_on_a_hosted_service():
    import json
    from pathlib import Path

    for lesson in sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(lesson.read_text())["cells"]
        first_code = next("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert 'if "google.colab" in sys.modules' in first_code, lesson.name  # never on a local install
        assert "pip install" in first_code.split('if "google.colab" in sys.modules', 1)[1], lesson.name
        assert "colab.research.google.com/github/" in "".join(cells[0]["source"]), lesson.name
