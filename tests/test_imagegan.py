"""The image GAN (lesson 03): the DCGAN on random tensors, the family on a small jazz corpus with
the shared trainer (through :mod:`companion.family`), the picture statistics, and the shipped checkpoints."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from companion import CompanionError, family, load_corpus
from companion.checkpoint import load_checkpoint, save_checkpoint
from companion.codecs import image
from companion.codecs.image_codec import ImageCodec
from companion.metrics.images import direction_stats, pixel_stats
from companion.midi import midi_bytes
from companion.models.imagegan import ImageGANConfig, build, count_parameters
from companion.pipelines import imagegan as pipeline
from companion.pipelines.imagegan import FAMILY

TINY = {"z_dim": 8, "g_channels": 16, "d_channels": 4}
CHECKPOINTS = Path(pipeline.__file__).resolve().parents[1] / "checkpoints"


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One torch thread: on a shared 2-core machine two threads spin against other processes."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ---------------------------------------------------------------------------------------- model
@pytest.mark.parametrize("shape", [(3, 96, 64), (1, 96, 192)])
def test_shapes_and_range(shape):
    torch.manual_seed(0)
    generator, critic = build(ImageGANConfig(*shape, **TINY))
    generator.eval()
    x = generator(generator.sample_latent(5))
    assert x.shape == (5, *shape) and 0 <= x.min() and x.max() <= 1
    assert critic(x).shape == (5,)


def test_config_checks_and_round_trips():
    with pytest.raises(ValueError, match="multiples of 16"):
        ImageGANConfig(3, 96, 60)
    config = ImageGANConfig(1, 96, 192, **TINY)
    generator, _ = build(config.to_dict())
    assert generator.config == config and count_parameters(generator) > 0


# ---------------------------------------------------------------------------------------- pipeline
@pytest.fixture(scope="module")
def jazz():
    return load_corpus("jazz", num_bars=300)


@pytest.fixture(scope="module")
def trained(jazz, tmp_path_factory):
    out = tmp_path_factory.mktemp("imagegan") / "tiny.pt"
    checkpoint = family.train(FAMILY, "image-gan", jazz, steps=3, seed=0, out=out, checkpoint_every=2,
                              overrides={"config": TINY, "snapshot_every": 2, "snapshot_count": 4})  # fmt: skip
    return out, checkpoint


def train(corpus, **options):
    """``family.train`` of the image GAN, the old keyword arguments (layout, loss ...) as overrides."""
    keys = ("steps", "seed", "out", "resume", "checkpoint_every")
    run = {k: v for k, v in options.items() if k in keys}
    overrides = {k: v for k, v in options.items() if k not in keys}
    return family.train(FAMILY, "image-gan", corpus, show_progress=False, overrides=overrides, **run)


def test_training_uses_the_shared_trainer_and_saves_a_safe_checkpoint(trained):
    out, checkpoint = trained
    assert checkpoint["train"]["steps"] == 3 and len(checkpoint["train"]["history"]["d_loss"]) == 3
    assert checkpoint["train"]["history"]["gp"][0] > 0  # WGAN-GP by default
    assert [s for s, _ in checkpoint["train"]["snapshots"]] == [2, 3]
    loaded = load_checkpoint(out)  # weights_only=True
    assert loaded["config"]["layout"] == "rgb" and loaded["codec"]["bpm"] == 100.0
    assert loaded["codec"]["codec"] == "image" and loaded["codec"]["program"] == 0  # jazz: piano
    assert torch.equal(loaded["state"]["generator.project.0.weight"], checkpoint["state"]["generator.project.0.weight"])


def test_resume_continues_exactly(jazz, trained, tmp_path):
    _, three = trained
    out = tmp_path / "resume.pt"
    train(jazz, steps=2, seed=0, out=out, config=TINY, checkpoint_every=1)
    resumed = train(jazz, steps=3, seed=0, out=out, resume=True)
    assert resumed["train"]["history"]["d_loss"] == three["train"]["history"]["d_loss"]
    for key, value in three["state"].items():
        assert torch.allclose(resumed["state"][key].float(), value.float(), atol=1e-6), key


def test_the_same_seed_gives_the_same_midi_bytes(trained):
    _, checkpoint = trained
    loaded = family.load(FAMILY, checkpoint)
    a = family.generate(loaded, bars=8, seed=3)
    b = pipeline.generate(checkpoint, bars=8, seed=3)
    assert midi_bytes(a) == midi_bytes(b)
    assert a.end_tick <= 8 * a.ticks_per_bar and a.tempos[0].bpm == 100.0
    assert midi_bytes(family.sample(loaded, 1, bars=8, seed=3)[0]) == midi_bytes(a)
    three = family.sample(loaded, 3, bars=5, seed=3)
    assert len(three) == 3 and all(s.end_tick <= 5 * s.ticks_per_bar for s in three)
    images = pipeline.generate_images(loaded, 4, seed=3)
    assert not np.array_equal(images, pipeline.generate_images(checkpoint, 4, seed=4))


def test_original_gan_loss_and_plain_layout(jazz):
    checkpoint = train(jazz, steps=2, seed=1, loss="gan", layout="plain", drums=False, config=TINY)
    assert checkpoint["config"]["gan"]["n_critic"] == 1 and checkpoint["train"]["history"]["gp"] == [0.0, 0.0]
    assert pipeline.generate_images(checkpoint, 2).shape == (2, 1, 96, 192)
    with pytest.raises(CompanionError, match="layout"):
        train(jazz, steps=1, layout="hsv")
    with pytest.raises(CompanionError, match="loss"):
        train(jazz, steps=1, loss="hinge")


def test_resuming_a_different_run_is_refused(trained, tmp_path):
    out, _ = trained
    bach_like = load_corpus("jazz", num_bars=40)
    bach_like.name = "bach"
    with pytest.raises(CompanionError, match="not image-gan on bach"):
        train(bach_like, steps=4, out=out, resume=True)


def test_evaluate_reports_real_and_generated(jazz, trained):
    _, checkpoint = trained
    result = family.evaluate(family.load(FAMILY, checkpoint), jazz, songs=4, bars=4)
    assert result["generated_songs"] == 4 and result["real_excerpts"] > 0 and result["real"]["QN_mean"] > 50
    extras = result["extras"]
    assert extras["generated_clips"] == pipeline.EVALUATION_CLIPS and extras["real_clips"] > 0
    assert extras["pixels"]["real"]["ambiguous_share"] == 0  # real pictures are 0 or 1
    assert set(extras["critic"]) >= {"real", "real_reversed"} and extras["layout"] == "rgb"
    json.dumps(result)  # plain data


# ---------------------------------------------------------------------------------------- statistics
def test_direction_statistics_flip_sign_when_played_backwards(jazz):
    clips = ImageCodec().clips(jazz.songs[:3])
    forward, backward = direction_stats(clips), direction_stats(image.reverse(clips))
    for key in ("attack_minus_release", "step_down_share"):
        assert backward[key] == pytest.approx(-forward[key])
    assert forward["attack_minus_release"] > 0.5  # comping chords start together, notes end apart
    assert forward["steps_down"] == backward["steps_up"]


def test_pixel_statistics():
    values = np.array([0.0, 0.1, 0.3, 0.5, 0.79, 0.9, 1.0, 1.0])
    stats = pixel_stats(values)
    assert stats["ambiguous_share"] == 3 / 8 and stats["on_share"] == 4 / 8
    assert math.isclose(stats["mean"], values.mean(), rel_tol=1e-6)


def test_real_clips_carry_their_chords(jazz):
    songs = ImageCodec().clip_songs(jazz.test[:1])
    assert songs and all(s.chords for s in songs)
    first = songs[0]
    assert all(0 <= c.tick < 192 * 40 and c.duration > 0 for c in first.chords)


# ---------------------------------------------------------------------------------------- shipped
@pytest.mark.parametrize("corpus", ["bach", "jazz"])
def test_shipped_checkpoints(corpus, tmp_path):
    path = CHECKPOINTS / f"image-gan-{corpus}.pt"
    if not path.with_suffix(".json").exists():  # the manifest is written last, when the checkpoint ships
        pytest.skip(f"{path.name} not shipped yet")
    assert path.stat().st_size <= 5 * 1024 * 1024
    checkpoint = load_checkpoint(path)
    assert checkpoint["optimizer"] is None and checkpoint["model"] == "image-gan"
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["command"].startswith(f"python -m companion train image-gan --corpus {corpus} ")
    assert manifest["steps"] == checkpoint["train"]["steps"]
    loaded = family.load(FAMILY, checkpoint)
    song = family.generate(loaded, bars=8, seed=0)
    assert song.num_notes > 0 and midi_bytes(song) == midi_bytes(family.generate(loaded, bars=8, seed=0))
    assert loaded.codec.to_dict() == {"codec": "image", **checkpoint["codec"]}  # made before the registry
    assert pipeline.load_critic(loaded) is not None
    # a copy saved and loaded again generates the same bytes
    save_checkpoint(tmp_path / "copy.pt", checkpoint)
    assert midi_bytes(pipeline.generate(load_checkpoint(tmp_path / "copy.pt"), bars=8, seed=0)) == midi_bytes(song)
