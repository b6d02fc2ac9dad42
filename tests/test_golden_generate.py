"""Every shipped checkpoint generates the same bytes as before the family-protocol refactor.

The digests in ``tests/data/golden_generate.json`` were recorded by ``python tools/golden_generate.py``
on main before the refactor (issue 12); a structural change must leave them as they are.
"""

import importlib.util
import json
from pathlib import Path

from companion import zoo

_TOOL = Path(__file__).resolve().parents[1] / "tools" / "golden_generate.py"
_spec = importlib.util.spec_from_file_location("golden_generate", _TOOL)
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

GOLDEN = json.loads(golden.OUT.read_text())


def test_every_shipped_checkpoint_has_a_recorded_digest():
    assert sorted(GOLDEN) == sorted(zoo.shipped_checkpoints())


def test_generate_gives_the_recorded_bytes():
    assert golden.digests() == GOLDEN
