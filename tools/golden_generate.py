"""Record the sha256 of ``generate`` output (8 bars, seeds 0 and 1, temperature 1) of every shipped
checkpoint, as MIDI bytes, into ``tests/data/golden_generate.json``.

Run it only when a change is *meant* to alter generated music (and say why in the commit); the
test ``tests/test_golden_generate.py`` asserts these bytes, so a refactor that changes what a
checkpoint generates fails it.

    python tools/golden_generate.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch

from companion import zoo
from companion.midi import midi_bytes

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "golden_generate.json"
SEEDS = (0, 1)
BARS = 8


def digests() -> dict[str, dict[str, str]]:
    """``"model:corpus"`` -> ``{"seed 0": sha256, "seed 1": sha256}`` of the generated MIDI bytes."""
    torch.set_num_threads(1)
    table = {}
    for name in sorted(zoo.shipped_checkpoints()):
        loaded = zoo.load(name)
        table[name] = {
            f"seed {seed}": hashlib.sha256(midi_bytes(zoo.generate(loaded, bars=BARS, seed=seed))).hexdigest()
            for seed in SEEDS
        }
    return table


if __name__ == "__main__":
    OUT.write_text(json.dumps(digests(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
