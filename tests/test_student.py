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
