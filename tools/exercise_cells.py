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
    cell = {"cell_type": kind, "id": cell_id, "metadata": {},
            "source": source.strip("\n").splitlines(keepends=True)}
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


def main(names: list[str]) -> None:
    for spec_path in sorted((ROOT / "tools" / "exercises").glob("*.py")):
        if names and spec_path.stem not in names:
            continue
        spec = importlib.util.spec_from_file_location(spec_path.stem, spec_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        apply(ROOT / "notebooks" / f"{spec_path.stem}.ipynb", module.CELLS)
        print(f"{spec_path.stem}: {len(module.CELLS)} exercise cells")


if __name__ == "__main__":
    main(sys.argv[1:])
