"""Shared fixtures: the shipped JSB file, small hand-made songs and the pre-refactor training fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from companion import Note, Song, Tempo, TimeSignature, Track

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_TRAIN = Path(__file__).resolve().parent / "data" / "golden_train_fingerprints.json"


def weights_fingerprint(state: dict) -> dict:
    """Per state tensor: its shape, sum, sum of absolute values and first 8 values, as float64 numbers.

    Unlike a digest of the bytes it can be compared within a tolerance: the last bits of trained
    weights differ between CPUs (kernels dispatched for AVX2, AVX-512 ...), so a hash is not portable.
    """
    fingerprint = {}
    for name in sorted(state):
        values = state[name].detach().double().flatten()
        fingerprint[name] = {"shape": list(state[name].shape), "sum": values.sum().item(),
                             "abs_sum": values.abs().sum().item(), "first": values[:8].tolist()}  # fmt: skip
    return fingerprint


def fingerprint_matches(today: dict, golden: dict, tolerance: float) -> bool:
    """Same shape, and every number within ``tolerance`` of the golden in the tensor's own units: the
    first values in units of its mean absolute weight, the two sums in units of its sum of |weights|."""
    if today["shape"] != golden["shape"]:
        return False
    mean_abs = golden["abs_sum"] / max(1, int(np.prod(golden["shape"])))
    sums = np.allclose([today["sum"], today["abs_sum"]], [golden["sum"], golden["abs_sum"]],
                       rtol=0, atol=tolerance * golden["abs_sum"])  # fmt: skip
    return sums and np.allclose(today["first"], golden["first"], rtol=0, atol=tolerance * mean_abs)


@pytest.fixture(scope="session")
def weights_off_golden():
    """``weights_off_golden(checkpoint, "gpt-chords:bach", tolerance)``: the names of the state tensors
    (missing or extra ones too) whose fingerprint is not that of the same run before the family
    protocol (``tests/data/golden_train_fingerprints.json``); an empty list when training is unchanged.

    The tolerance is in the tensor's own units (:func:`fingerprint_matches`). Measured on the golden
    runs, the same code on other kernels than the recording's AVX-512 ones (ATEN_CPU_CAPABILITY=avx2,
    and =default: no vector kernels) is off by at most 1.1e-5 for the GPTs but 0.25 for the GANs: Adam
    turns the rounding noise of near-zero gradients (BatchNorm shifts) into steps of its learning rate.
    Hence 1e-3 for a GPT and 0.5 for a GAN. A real change fails both: a 4th step puts 33 of
    gpt-chords' 41 tensors, 10 of musegan-hybrid's 75 and 5 of image-gan's 34 outside them, another
    seed 33, 50 and 22.
    """
    golden = json.loads(GOLDEN_TRAIN.read_text())["fingerprints"]

    def off(checkpoint: dict, key: str, tolerance: float) -> list[str]:
        today, expected = weights_fingerprint(checkpoint["state"]), golden[key]
        if today.keys() != expected.keys():
            return sorted(set(today) ^ set(expected))
        return [name for name in expected if not fingerprint_matches(today[name], expected[name], tolerance)]

    return off


@pytest.fixture
def one_thread():
    """One torch thread for the test (tiny models run faster on one thread than on two busy ones, and
    the machine is shared), the previous count restored after."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def jsb_path() -> Path:
    """The JSB Chorales file shipped inside the package (sha256-checked)."""
    from companion.polyphonic import shipped_file

    return shipped_file("jsb")


@pytest.fixture
def small_song() -> Song:
    """Two pitched tracks and drums, two tempo changes, 3/4, a repeated note and a triplet."""
    melody = Track(
        "melody",
        66,
        False,
        [
            Note(0, 72, 480, 100),
            Note(480, 72, 480, 90),  # same pitch again: a roll without onsets would merge it
            Note(960, 74, 160, 80),  # a triplet eighth
            Note(1120, 76, 160, 80),
            Note(1280, 77, 160, 80),
        ],
    )
    bass = Track("bass", 32, False, [Note(0, 36, 1440, 70), Note(1440, 43, 720, 70)])
    drums = Track("drums", 0, True, [Note(0, 36, 120, 110), Note(480, 38, 120, 90), Note(960, 42, 120, 60)])
    return Song(
        tracks=[melody, bass, drums],
        resolution=480,
        tempos=[Tempo(0, 120.0), Tempo(1440, 90.0)],
        time_signatures=[TimeSignature(0, 3, 4)],
        title="small",
    )
