"""The LM trainer runs unchanged under ``torchrun --nproc_per_node=2`` (DDP on gloo, 2 CPU processes):
the same pipeline call as on one process, ranks stay in sync, only rank 0 writes the checkpoint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import json, os, sys, hashlib
    import torch
    torch.set_num_threads(1)
    from companion import load_corpus
    from companion.data import Corpus
    from companion.pipelines import gpt
    from companion.train.lm import distributed_env

    jsb, out = sys.argv[1], sys.argv[2]
    full = load_corpus("jsb", path=jsb)
    frames = {"train": full.frames["train"][:16], "valid": full.frames["valid"][:2], "test": full.frames["test"][:2]}
    corpus = Corpus("jsb", {k: full.splits[k][: len(v)] for k, v in frames.items()}, frames=frames)
    config = {"gpt": {"max_len": 32, "d_model": 16, "num_heads": 2, "num_layers": 1, "d_ff": 32, "dropout": 0.1},
              "lm": {"batch_size": 4, "context": 32, "eval_every": 3, "warmup": 2}}
    ckpt = gpt.train("gpt-chords", corpus, steps=6, seed=0, out=out, config=config, show_progress=False)
    rank, world = distributed_env()
    state = ckpt["optimizer"]["current_state"] if ckpt["optimizer"]["current_state"] is not None else ckpt["state"]
    digest = hashlib.sha256(b"".join(v.numpy().tobytes() for v in state.values())).hexdigest()
    with open(f"{out}.rank{rank}.json", "w") as handle:
        json.dump({"rank": rank, "world": world, "steps": ckpt["train"]["steps"], "digest": digest,
                   "written_by_me": os.path.exists(out)}, handle)
    """
)


def test_two_processes_with_torchrun(jsb_path, tmp_path):
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
    if not Path(torchrun).exists():
        pytest.skip("torchrun is not installed beside this Python (it ships with torch)")
    script = tmp_path / "ddp_train.py"
    script.write_text(SCRIPT)
    out = tmp_path / "ddp.pt"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run(
        [torchrun, "--standalone", "--nproc_per_node=2", str(script), str(jsb_path), str(out)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"ddp.pt.rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["world"] for r in ranks] == [2, 2]
    assert [r["steps"] for r in ranks] == [6, 6]
    assert ranks[0]["digest"] == ranks[1]["digest"]  # gradients were all-reduced: the ranks agree
    assert out.exists()
    from companion.checkpoint import load_checkpoint

    ckpt = load_checkpoint(out)
    assert ckpt["train"]["steps"] == 6 and len(ckpt["train"]["history"]) == 2  # only rank 0 evaluated and wrote
