"""``--device`` and ``device=``: where a model runs. ``auto`` picks CUDA or MPS where present, else
the CPU; a bad name is a package error (exit 2 and one line on the command line); checkpoints hold
CPU tensors whatever the device, and a run records its device beside its CPU seconds. ``--threads``
and ``threads=`` cap numpy's OpenBLAS pools too."""

from __future__ import annotations

import os

import pytest
import torch

from companion import zoo
from companion.checkpoint import load_checkpoint
from companion.cli import main
from companion.data import Corpus, load_corpus
from companion.device import DeviceError, resolve_device, to_cpu
from companion.errors import CompanionError
from companion.midi import midi_bytes
from companion.pipelines import gpt as pipeline


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _has_gpu() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return torch.cuda.is_available() or bool(mps is not None and mps.is_available())


def test_resolve_device_names():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("CPU") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    if not _has_gpu():
        assert resolve_device("auto") == torch.device("cpu")  # no GPU here: auto is the CPU
        assert resolve_device(None) == torch.device("cpu")
    else:
        assert resolve_device("auto").type in ("cuda", "mps")


@pytest.mark.parametrize("name", ["tpu", "gpu", "cuda:x", ""])
def test_an_unknown_device_is_a_package_error(name):
    with pytest.raises(DeviceError, match="choose one of auto, cpu, cuda, mps") as caught:
        resolve_device(name)
    assert isinstance(caught.value, CompanionError)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_an_unavailable_device_is_a_package_error():
    with pytest.raises(DeviceError, match="CUDA is not available"):
        resolve_device("cuda")


def test_to_cpu_keeps_cpu_values_as_they_are():
    weight = torch.ones(2, 2)
    state = {"a": weight, "b": [weight, (1, "x")], "c": None}
    assert to_cpu(state) is state


def test_the_cli_rejects_an_unknown_device_with_one_line(capsys, tmp_path):
    out = tmp_path / "x.mid"
    assert main(["generate", "musegan-hybrid:jazz", "--device", "tpu", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("companion: error: device 'tpu'")
    assert not out.exists()
    assert main(["train", "gpt-chords", "--corpus", "jazz", "--device", "tpu", "--out", str(tmp_path / "a.pt")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_tiny_run_through_the_cli_records_its_device(tmp_path, capsys):
    out = tmp_path / "musegan-hybrid-jazz.pt"
    code = main(["train", "musegan-hybrid", "--corpus", "jazz", "--steps", "2", "--device", "cpu", "--out", str(out)])
    assert code == 0
    saved = torch.load(out, weights_only=True)  # loads anywhere: CPU tensors
    assert saved["train"]["device"] == "cpu" and saved["train"]["steps"] == 2
    assert all(t.device.type == "cpu" for t in saved["state"].values())
    midi = tmp_path / "x.mid"
    assert main(["generate", str(out), "--bars", "4", "--device", "cpu", "--out", str(midi)]) == 0
    assert midi.stat().st_size > 0


def test_generate_on_the_cpu_is_the_same_whatever_the_default():
    checkpoint = zoo.load("gpt-chords:jsb")
    default = midi_bytes(zoo.generate(checkpoint, bars=2, seed=3))
    assert midi_bytes(zoo.generate(checkpoint, bars=2, seed=3, device="cpu")) == default
    if not _has_gpu():
        assert midi_bytes(zoo.generate(checkpoint, bars=2, seed=3, device="auto")) == default


def _tiny_bach() -> Corpus:
    bach = load_corpus("bach")
    return Corpus("bach", {"train": bach.train[:8], "valid": bach.valid[:2], "test": bach.test[:2]})


TINY = {
    "gpt": {"max_len": 32, "d_model": 32, "num_heads": 2, "num_layers": 1, "d_ff": 64, "dropout": 0.0},
    "lm": {"batch_size": 4, "context": 32, "eval_every": 0},
}


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
def test_cuda_trains_generates_and_saves_cpu_tensors(tmp_path):
    corpus = _tiny_bach()
    out = tmp_path / "tiny.pt"
    checkpoint = pipeline.train("gpt-chords", corpus, steps=3, out=out, config=TINY, show_progress=False,
                                device="cuda")  # fmt: skip
    assert checkpoint["train"]["device"].startswith("cuda")
    saved = load_checkpoint(out)
    assert all(t.device.type == "cpu" for t in saved["state"].values())
    assert saved["state"]["head.weight"].data_ptr() == saved["state"]["embed.weight"].data_ptr()  # still tied
    song = zoo.generate(saved, bars=2, seed=0, device="cuda")
    assert midi_bytes(song) == midi_bytes(zoo.generate(saved, bars=2, seed=0, device="cuda"))
    musegan = zoo.train("musegan-hybrid", load_corpus("jazz"), steps=2, out=tmp_path / "m.pt", device="cuda")
    assert zoo.generate(musegan, bars=4, seed=0, device="cuda").num_bars == 4


def _openblas_thread_getters() -> list:
    """The thread-count getter of every OpenBLAS library this process has loaded (none where numpy
    uses another BLAS, or off Linux)."""
    import ctypes
    from pathlib import Path

    maps = Path("/proc/self/maps")
    lines = maps.read_text().splitlines() if maps.exists() else []
    libraries = sorted({line.split()[-1] for line in lines if "openblas" in line})
    getters = [getattr(ctypes.CDLL(p), "scipy_openblas_get_num_threads64_", None) for p in libraries]
    return [g for g in getters if g is not None]


def test_blas_threads_caps_the_openblas_pools_numpy_loaded():
    import numpy as np

    from companion.device import blas_threads

    getters = _openblas_thread_getters()
    before = [g() for g in getters]
    try:
        assert blas_threads(1) >= len(getters)
        assert [g() for g in getters] == [1] * len(getters)
        a = np.arange(12.0).reshape(3, 4)
        assert np.array_equal(a @ a.T, np.einsum("ij,kj->ik", a, a))
    finally:
        if before:
            blas_threads(max(before))


def test_threads_in_the_python_api_cap_numpy_s_openblas_as_the_cli_does(monkeypatch):
    from companion.device import blas_threads

    getters = _openblas_thread_getters()
    before = [g() for g in getters]
    corpus = _tiny_bach()
    try:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
        checkpoint = zoo.train("gpt-chords", corpus, steps=1, overrides=TINY, show_progress=False, threads=1)
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # for pools loaded later, too
        assert [g() for g in getters] == [1] * len(getters)  # and not restored after the call
        monkeypatch.delenv("OPENBLAS_NUM_THREADS")
        zoo.evaluate(checkpoint, corpus, songs=1, bars=2, extras=False, threads=1)
        assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    finally:
        if before:
            blas_threads(max(before))
