"""Append or replace a notebook's graded "Exercises" section (nbgrader markup) from a small spec.

Maintainer tool, not part of the package: ``python tools/exercise_cells.py`` rewrites the Exercises
section of every lesson listed in ``tools/exercises/*.py`` (each defines ``CELLS``: a list of
``(kind, source, nbgrader_or_None)``). Everything before the "## Exercises" heading is kept.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Exercises"


def _cell(kind: str, source: str, nbgrader: dict | None, cell_id: str) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source.strip("\n").splitlines(keepends=True)}
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, "locked": False, "task": False} | nbgrader
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def solution(grade_id: str) -> dict:
    return {"solution": True, "grade": False, "grade_id": grade_id}


def test(grade_id: str, points: int) -> dict:
    return {"solution": False, "grade": True, "grade_id": grade_id, "points": points, "locked": True}


def setup(grade_id: str) -> dict:
    """A read-only cell the exercises need (nbgrader: locked, not graded)."""
    return {"solution": False, "grade": False, "grade_id": grade_id, "locked": True}


def apply(notebook_path: Path, cells: list[tuple[str, str, dict | None]]) -> None:
    notebook = json.loads(notebook_path.read_text())
    kept = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and "".join(cell["source"]).startswith(HEADING):
            break
        kept.append(cell)
    notebook["cells"] = kept + [_cell(*spec, cell_id=f"exercises-{i:02d}") for i, spec in enumerate(cells)]
    notebook_path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def execute_section(notebook_path: Path) -> None:
    """Run only the Exercises section (it is self-contained) and store its outputs in the notebook,
    so a lesson committed with a full run need not be re-run to show its exercises' results."""
    import nbformat
    from nbclient import NotebookClient

    notebook = json.loads(notebook_path.read_text())
    start = next(
        i
        for i, c in enumerate(notebook["cells"])
        if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(HEADING)
    )
    section = nbformat.reads(json.dumps({**notebook, "cells": notebook["cells"][start:]}), as_version=4)
    NotebookClient(
        section, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(notebook_path.parent)}}
    ).execute()
    for offset, cell in enumerate(section.cells):
        if cell.cell_type == "code":
            notebook["cells"][start + offset]["outputs"] = nbformat.from_dict(cell).get("outputs", [])
            notebook["cells"][start + offset]["execution_count"] = cell.get("execution_count")
    notebook_path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def main(names: list[str], execute: bool = False) -> None:
    for spec_path in sorted((ROOT / "tools" / "exercises").glob("*.py")):
        if names and spec_path.stem not in names:
            continue
        spec = importlib.util.spec_from_file_location(spec_path.stem, spec_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        apply(ROOT / "notebooks" / f"{spec_path.stem}.ipynb", module.CELLS)
        if execute:
            execute_section(ROOT / "notebooks" / f"{spec_path.stem}.ipynb")
        print(f"{spec_path.stem}: {len(module.CELLS)} exercise cells{' (executed)' if execute else ''}")


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--execute"]
    main(arguments, execute="--execute" in sys.argv[1:])
