"""The image GAN through the family protocol (issue 12): the same weights as before the port, the
shared CPU-second budget and its resume, the shared ``threads`` argument, and the codec's dict."""

from __future__ import annotations

import pytest
import torch

from companion import family, load_corpus
from companion.checkpoint import load_checkpoint
from companion.codecs.base import from_dict
from companion.codecs.image_codec import ImageCodec
from companion.errors import CodecError
from companion.pipelines.imagegan import FAMILY

TINY = {"config": {"z_dim": 8, "g_channels": 16, "d_channels": 4}}


@pytest.fixture(scope="module")
def jazz():
    return load_corpus("jazz", num_bars=300)


def test_three_steps_on_bach_give_the_weights_recorded_before_the_port(weights_off_golden):
    checkpoint = family.train(FAMILY, "image-gan", load_corpus("bach"), steps=3, seed=1, threads=1, show_progress=False)
    assert weights_off_golden(checkpoint, "image-gan:bach", tolerance=0.5) == []  # a GAN's: see tests/conftest.py
    assert checkpoint["train"]["recipe"]["file"] == "companion/recipes/image-gan.json"
    assert checkpoint["codec"] == ImageCodec(program=52).to_dict()  # choir for the chorales


def test_a_cpu_second_budget_stops_the_run_and_a_resumed_run_continues(jazz, tmp_path):
    out = tmp_path / "cpu.pt"
    first = family.train(FAMILY, "image-gan", jazz, max_cpu_seconds=3, steps=10**9, out=out, threads=1,
                         overrides=TINY, checkpoint_every=5, show_progress=False)  # fmt: skip
    steps, spent = first["train"]["steps"], first["train"]["cpu_seconds"]
    assert 0 < steps < 10**9 and spent >= 3 and first["train"]["max_cpu_seconds"] == 3
    assert load_checkpoint(out)["train"]["steps"] == steps
    resumed = family.train(FAMILY, "image-gan", jazz, max_cpu_seconds=spent + 2, steps=10**9, out=out, resume=True,
                           threads=1, overrides=TINY, checkpoint_every=5, show_progress=False)  # fmt: skip
    assert resumed["train"]["steps"] > steps and resumed["train"]["cpu_seconds"] >= spent + 1.9  # rounded to 0.1 s
    assert resumed["train"]["history"]["d_loss"][:steps] == first["train"]["history"]["d_loss"]


def test_the_threads_argument_is_honoured_and_restored(jazz):
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        checkpoint = family.train(FAMILY, "image-gan", jazz, steps=1, threads=2, overrides=TINY, show_progress=False)
        assert checkpoint["train"]["torch_threads"] == 2 and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)


def test_the_codec_reads_old_and_new_checkpoint_dicts():
    codec = ImageCodec(layout="plain", program=52)
    data = codec.to_dict()
    assert data["codec"] == "image" and data["shape"] == [1, 96, 192]
    old = {k: v for k, v in data.items() if k != "codec"}  # what checkpoints held before the registry
    assert ImageCodec.from_dict(old) == codec == from_dict(data) == from_dict(old, "image")
    with pytest.raises(CodecError, match="picture"):
        ImageCodec.from_dict({**old, "rows": 88})
