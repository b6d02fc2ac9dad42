"""companion.theory is a leaf, and the imports around it go one way (issue 12, item 5)."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from companion import data, harmony, jazz, song, theory
from companion.codecs import events, pianoroll

PACKAGE = Path(theory.__file__).parent


def _imports(module: str) -> list[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    names = ["." * n.level + (n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    return names + [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]


def test_theory_imports_nothing_from_the_package():
    assert [m for m in _imports("theory") if m != "__future__" and (m.startswith(".") or "companion" in m)] == []


def test_harmony_sits_below_the_codecs():
    assert not [m for m in _imports("harmony") if "codecs" in m or "jazz" in m]
    code = "import sys, companion.harmony; print(sorted(m for m in sys.modules if 'companion' in m))"
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}  # this checkout's package, not an installed one
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert "companion.codecs" not in loaded and "companion.jazz" not in loaded


def test_old_names_are_the_theory_values():
    assert song.DEFAULT_RESOLUTION == jazz.RESOLUTION == theory.RESOLUTION == 480
    assert harmony.STEPS_PER_BEAT == events.STEPS_PER_BEAT == jazz.STEPS_PER_BEAT == theory.STEPS_PER_BEAT == 12
    assert events.FINE_STEPS_PER_BEAT == 24
    assert harmony.CHORD_TEMPLATES is theory.CHORD_TEMPLATES and jazz.CHORD_TONES is theory.CHORD_TONES
    assert jazz.REGISTERS is theory.JAZZ_REGISTERS and data.BACH_REGISTERS is theory.BACH_REGISTERS
    assert data.JSB_LOWEST_PITCH == events.JSB_LOWEST_PITCH == 21
    assert song.PITCH_CLASS_NAMES is theory.PITCH_CLASS_NAMES
    assert pianoroll.encode.__module__ == "companion.roll"
