"""Classroom exercises: every lesson has graded exercises in nbgrader markup; the teacher version
passes its own tests and in the student version every graded test fails until it is solved.

Only the "## Exercises" section runs here (it is self-contained: its setup cell loads what it
needs); the rest of each notebook is identical in both versions and nbval runs it in full.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from companion.student import grading, student_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
LESSONS = sorted(p for p in NOTEBOOKS.glob("0[1-6]_*.ipynb"))


def exercise_section(notebook: dict) -> dict:
    cells = notebook["cells"]
    start = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                 and "".join(c["source"]).startswith("## Exercises"))
    return {**notebook, "cells": cells[start:]}


def run(notebook: dict) -> list[dict]:
    """Execute the cells (errors allowed) and return them with their outputs."""
    node = nbformat.reads(json.dumps(notebook), as_version=4)
    NotebookClient(node, timeout=600, kernel_name="python3", allow_errors=True).execute()
    return [dict(c) for c in node.cells]


def errors(cell: dict) -> list[str]:
    return [o.get("ename", "") for o in cell.get("outputs", []) if o.get("output_type") == "error"]


@pytest.fixture(scope="module", params=[p.name for p in LESSONS])
def lesson(request) -> dict:
    return json.loads((NOTEBOOKS / request.param).read_text())


def test_every_lesson_has_at_least_two_graded_exercises(lesson):
    tests = [c for c in lesson["cells"] if grading(c).get("grade") and not grading(c).get("solution")]
    solutions = [c for c in lesson["cells"] if grading(c).get("solution")]
    assert len(tests) >= 2 and len(solutions) >= 2
    ids = [grading(c)["grade_id"] for c in lesson["cells"] if grading(c)]
    assert len(ids) == len(set(ids)), "nbgrader grade_ids must be unique"
    assert all(grading(c).get("points", 0) > 0 for c in tests)


def test_teacher_version_passes_and_student_version_fails_every_graded_test(lesson):
    section = exercise_section(lesson)
    teacher = run(section)
    assert [errors(c) for c in teacher if errors(c)] == []
    student = run(student_notebook(section))
    for cell in student:
        meta = grading(cell)
        if meta.get("grade") and not meta.get("solution"):
            assert errors(cell), f"{meta['grade_id']} passes without a solution"
        elif not meta.get("solution"):
            assert not errors(cell), f"a non-exercise cell fails in the student version: {cell['source'][:80]}"


def test_student_versions_change_nothing_outside_the_exercises(lesson):
    student = student_notebook(lesson)
    for before, after in zip(lesson["cells"], student["cells"]):
        if not grading(before):
            assert "".join(before["source"]) == after["source"]


def test_every_lesson_has_an_open_sweep_exercise_graded_against_the_package(lesson):
    """Issue 17, point 3: at least one open exercise per lesson 01-06 in which the student varies one
    thing, plots the result and states whether the return diminishes; its test checks the student's
    numbers against the package's and the claim (``diminishes``) against the course's rule."""
    cells = {grading(c).get("grade_id"): "".join(c["source"]) for c in lesson["cells"] if grading(c)}
    opens = [gid for gid in cells if gid.endswith("-open")]
    assert opens, "no open exercise (grade_id ending in -open)"
    for gid in opens:
        solution, test = cells[gid], cells.get(f"{gid}-test", "")
        assert "plt." in solution or "ax." in solution, f"{gid}: the sweep is not plotted"
        assert "diminishes" in solution, f"{gid}: no claim about the return"
        assert "exercises." in test and "diminishes ==" in test, f"{gid}: the claim is not graded against the package"
