"""The header and writer every experiment's JSON shares (``companion.measurements``)."""

import json
import time
from pathlib import Path

from companion.measurements import MODULES, provenance, write_result

RESULTS = Path(__file__).resolve().parents[1] / "results"
HEADER = ["name", "command", "date", "machine", "wall_seconds"]


def test_provenance_is_the_five_keys_every_result_starts_with():
    header = provenance("musegan_datasize", fast=True, started=time.perf_counter())
    assert list(header) == HEADER
    assert header["command"] == "python -m companion.measurements.lesson02_musegan.datasize --fast"
    assert header["machine"].endswith(", 1 thread") and header["wall_seconds"] < 1
    jazz = provenance("imagegan_layouts", fast=False, started=0.0, options=["--corpus", "jazz"], threads="1 thread(s)")
    assert jazz["command"] == "python -m companion.measurements.lesson03_image_gan.layouts --corpus jazz"
    assert jazz["machine"].endswith(", 1 thread(s)")


def test_write_result_round_trips_with_a_final_newline(tmp_path):
    result = {**provenance("musegan_binarize", fast=True, started=time.perf_counter()), "runs": [{"QN": 0.5}]}
    path = write_result(tmp_path / "sub" / "x.json", result)
    text = path.read_text()
    assert text.endswith("}\n") and json.loads(text) == result
    assert list(json.loads(text)) == HEADER + ["runs"]


def test_the_committed_experiment_results_start_with_the_same_header():
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text())
        command = str(result.get("command", ""))
        if not command.startswith(("python -m companion.experiments.", "python -m companion.measurements.")):
            continue  # not written by a measurement module (e.g. ``python -m companion compare``)
        assert list(result)[:5] == HEADER, path.name
        module = MODULES[result["name"]]  # old commands (companion.experiments.<name>) still run through the shims
        assert command.startswith((f"python -m companion.experiments.{result['name']}",
                                   f"python -m companion.measurements.{module}")), path.name  # fmt: skip


def test_the_old_experiment_commands_resolve_to_the_measurements():
    import importlib

    for name, module in MODULES.items():
        old = importlib.import_module(f"companion.experiments.{name}")
        assert old.main is importlib.import_module(f"companion.measurements.{module}").main, name
