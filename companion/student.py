"""Student versions of the lesson notebooks, without needing nbgrader.

The teacher notebooks carry nbgrader-compatible markup: solution cells (metadata
``nbgrader.solution: true``) whose answer sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION``, and graded test cells (``nbgrader.grade: true``) that may hide tests between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``. ``nbgrader generate_assignment`` takes them
unchanged; :func:`student_notebook` does the same job for classrooms without nbgrader:

* a solution region becomes ``# YOUR CODE HERE`` + ``raise NotImplementedError()`` (code) or
  ``YOUR ANSWER HERE`` (markdown);
* hidden tests are removed;
* outputs and execution counts are cleared.

Used by ``python -m companion student --out DIR`` and the CI check that every graded test cell of
a student notebook fails until the student solves it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import CompanionError

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _replace_regions(text: str, begin: str, end: str, replacement: str, where: str) -> str:
    pattern = re.compile(rf"^([ \t]*){re.escape(begin)}[^\n]*\n.*?^[ \t]*{re.escape(end)}[^\n]*(\n|$)",
                         re.DOTALL | re.MULTILINE)
    if text.count(begin) != text.count(end):
        raise CompanionError(f"{where}: unbalanced '{begin}' / '{end}' markers")

    def indent(match: re.Match) -> str:
        pad = match.group(1)
        body = "\n".join(pad + line if line else line for line in replacement.splitlines())
        return body + ("\n" if replacement else "") if match.group(2) else body

    return pattern.sub(indent, text)


def grading(cell: dict) -> dict:
    """The cell's nbgrader metadata (empty when it is not part of an exercise)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def student_notebook(notebook: dict, where: str = "notebook") -> dict:
    """The student version of a teacher notebook (a new dict; the input is not modified)."""
    result = json.loads(json.dumps(notebook))
    for cell in result.get("cells", []):
        meta = grading(cell)
        text = _source(cell)
        if meta.get("solution"):
            stub = CODE_STUB if cell["cell_type"] == "code" else TEXT_STUB
            if BEGIN_SOLUTION in text:
                text = _replace_regions(text, BEGIN_SOLUTION, END_SOLUTION, stub, where)
            else:
                text = stub
        if BEGIN_HIDDEN in text:
            text = _replace_regions(text, BEGIN_HIDDEN, END_HIDDEN, "", where)
        cell["source"] = text
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return result


def relocate(notebook: dict, up: str) -> dict:
    """The notebook as it reads from a folder ``up`` below its own (e.g. ``up="student"`` for
    ``notebooks/student/``): code's ``Path("..")`` (the repository root, seen from ``notebooks/``)
    becomes ``Path("../..")``, the hosted-service cell changes into the same folder, and markdown
    links to the sibling notebooks (``](definitions.ipynb``)
    point back to ``notebooks/``. A new dict; the input is not modified."""
    depth = len(Path(up).parts)
    if depth == 0:
        return notebook
    back = "/".join([".."] * depth)
    result = json.loads(json.dumps(notebook))
    for cell in result.get("cells", []):
        text = _source(cell)
        if cell["cell_type"] == "code":
            text = text.replace('Path("..")', f'Path("{back}/..")')
            text = text.replace('os.chdir("course/notebooks")', f'os.chdir("course/notebooks/{Path(up).as_posix()}")')
        else:
            text = re.sub(r"\]\(((?:\d\d_\w+|definitions)\.ipynb)", rf"]({back}/\1", text)
        cell["source"] = text
    return result


def write_student_versions(source: Path, out: Path) -> list[Path]:
    """Write the student version of every ``*.ipynb`` in ``source`` into ``out``; returns the paths.
    When ``out`` lies inside ``source`` (``notebooks/student``, the versions committed for Binder and
    Colab) the notebooks are :func:`relocate`-d so their paths and links still resolve."""
    notebooks = sorted(Path(source).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise CompanionError(f"{source}: no lesson notebooks (NN_name.ipynb) found")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        try:
            notebook = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CompanionError(f"{path}: not a readable notebook ({exc})") from None
        target = out / path.name
        student = student_notebook(notebook, str(path))
        try:
            student = relocate(student, str(Path(out).resolve().relative_to(Path(source).resolve())))
        except ValueError:  # out is not inside source: paths stay as they are
            pass
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n")
        written.append(target)
    return written
