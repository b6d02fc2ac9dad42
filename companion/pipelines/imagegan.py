"""The image-GAN family (``image-gan`` on ``bach``, ``jazz`` or a folder): the image codec
(:class:`companion.codecs.image_codec.ImageCodec`) + the DCGAN (:mod:`companion.models.imagegan`) +
the shared GAN trainer (:mod:`companion.train.gan`, unchanged from lesson 02), trained, loaded,
sampled, measured and shipped by :mod:`companion.family` through :data:`FAMILY`.

**Data.** Every training song is drawn as a step roll at 0.05 s per step through its tempo map
(:mod:`companion.codecs.image`, times rounded to the grid), and cut into 9.6 s windows every
``hop`` steps (48 = 2.4 s, so windows overlap); a batch is random windows as images
``(batch, 3, 96, 64)`` (the seed's RGB packing) or ``(batch, 1, 96, 192)`` (``layout="plain"``).
Drums are drawn in at their key numbers unless ``drums=False``, as in the seed.

**Training.** The settings are ``recipes/image-gan.json`` (800 generator steps, batch 16, ...),
with a caller's ``overrides`` merged over them (``layout``, ``loss``, ``drums``, ``hop``,
``batch_size``, ``config`` and ``gan`` overrides of :class:`ImageGANConfig` and :class:`GANConfig`,
``snapshot_every`` and ``snapshot_count``). WGAN-GP by default (5 critic updates per generator
update, penalty 10, Adam 1e-3, betas 0.5/0.9: the trainer's defaults, as lesson 02); ``loss="gan"``
trains with the original GAN loss instead (one discriminator update per step, DCGAN's Adam 2e-4,
betas 0.5/0.999), where the overshooting and mode collapse of lesson 03 show. With
``snapshot_every`` the checkpoint's ``train["snapshots"]`` holds (step, float16 images) of
``snapshot_count`` fixed latents, for the diversity-over-training curve.

**Writing back.** A generated image is thresholded at 0.5 and decoded at the checkpoint's stated
tempo, 100 bpm, where a 0.05 s step is 1/12 beat and one image is 16 beats = 4 bars of 4/4. The
image has no beat: the bars of the MIDI written are notional (the jazz corpus plays at 120-220 bpm,
so its pulse lands anywhere on this grid). ``bars`` longer than one image chain independent images
end to end -- nothing connects one 9.6 s picture to the next.

**Measurement.** :func:`companion.family.evaluate`, as every family, with the copy rate against the
train split as the picture holds it (:meth:`ImageGANFamily.view`); the lesson's own numbers are its
``extras``: pixel and direction statistics (:mod:`companion.metrics.images`) of 200
generated clips and of the split's 9.6 s clips, and the critic's mean score of the real clips
forwards and backwards.

The module helpers (:func:`load_generator`, :func:`load_critic`, :func:`critic_scores`,
:func:`generate_images`, :func:`decode`, :func:`generate`) take a :class:`~companion.family.Loaded`
or a checkpoint dict; the lesson-03 measurements (``companion.measurements.lesson03_image_gan``) reach
two of them as the family's hooks :meth:`ImageGANFamily.images` and :meth:`ImageGANFamily.critic_scores`
through a :class:`~companion.family.Loaded` of :mod:`companion.zoo`. Used by notebook 03_image_gan, those
measurements and, through :mod:`companion.zoo`, the CLI and notebook 06_diminishing_returns.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import family
from ..codecs import image
from ..codecs.image_codec import ImageCodec
from ..data import Corpus
from ..device import resolve_device
from ..errors import FamilyError
from ..family import Family, Loaded, Run
from ..models.imagegan import ImageCritic, ImageGANConfig, ImageGenerator, build, count_parameters
from ..song import Song
from ..train import Budget
from ..train.gan import GANConfig, GANTrainer, RandomBatches

MODEL = "image-gan"
EVALUATION_CLIPS = 200
"""Generated 9.6 s clips the extras measure."""


# ---------------------------------------------------------------------- settings
def run_config(settings: dict[str, Any]) -> dict[str, Any]:
    """The checkpoint's ``config`` of a run with recipe ``settings``: the network's (``model``) and
    trainer's (``gan``) settings, ``layout``, ``drums``, ``hop`` and ``batch_size``."""
    layout, loss = settings["layout"], settings["loss"]
    if layout not in image.LAYOUTS:
        raise FamilyError(f"layout {layout!r}: choose one of {', '.join(image.LAYOUTS)}")
    if loss not in settings["losses"]:
        raise FamilyError(f"loss {loss!r}: choose one of {', '.join(settings['losses'])}")
    channels, height, width = image.LAYOUTS[layout]
    network = ImageGANConfig(channels=channels, height=height, width=width, **settings["config"])
    gan = {**settings["losses"][loss], **settings["gan"]}
    return {"model": network.to_dict(), "gan": _gan(gan).to_dict(), "layout": layout, "drums": settings["drums"],
            "hop": settings["hop"], "batch_size": settings["batch_size"]}  # fmt: skip


def _gan(settings: dict[str, Any]) -> GANConfig:
    return GANConfig(**{**settings, "betas": tuple(settings["betas"])})


def _sampler(clips: torch.Tensor) -> Callable[[int, torch.Generator], torch.Tensor]:
    """Random clips from a uint8 tensor (kept small: 18 KB per clip instead of 74 KB), as floats."""

    def sample(batch_size: int, generator: torch.Generator) -> torch.Tensor:
        return clips[torch.randint(len(clips), (batch_size,), generator=generator)].float()

    return sample


# ---------------------------------------------------------------------- the family
class ImageGANFamily(Family):
    """The DCGAN on MIDI drawn as pictures (lesson 03); see the module docstring."""

    name = "image-gan"
    models = (MODEL,)
    checkpoint_every = 100

    def setup(self, model: str, corpus: Corpus, settings: dict[str, Any], previous: dict[str, Any] | None, *,
              seed: int, device: Any, show_progress: bool | None, checkpoint_every: int) -> Run:  # fmt: skip
        """The clips of the train split, both networks and the trainer (a resumed run keeps the
        network, trainer, layout, drums, hop, batch size and codec it started with)."""
        config = previous["config"] if previous is not None else run_config(settings)
        if previous is not None:
            codec = ImageCodec.from_dict(previous["codec"])
        else:
            codec = ImageCodec(config["layout"], **settings["codec"])
        skipped: list[str] = []
        clips = torch.from_numpy(codec.clips(corpus.train, drums=config["drums"], hop=config["hop"], skipped=skipped))
        generator, critic = build(ImageGANConfig(**config["model"]))
        batches = RandomBatches(_sampler(clips), config["batch_size"], seed=seed + 1)
        gan = _gan(config["gan"])
        trainer = GANTrainer(generator, critic, generator.sample_latent, batches, gan, seed=seed, device=device)
        if previous is not None:
            trainer.load_state(previous)
        every = int(settings.get("snapshot_every") or 0)
        fixed = torch.Generator().manual_seed(seed + 2)
        latent = generator.sample_latent(settings["snapshot_count"], fixed) if every else None
        info = {
            "train_clips": len(clips),
            "train_songs": len(corpus.train),
            "pixels_on": round(float(clips.float().mean()), 5),
            **({"skipped": skipped} if skipped else {}),
            "parameters": {"generator": count_parameters(generator), "critic": count_parameters(critic)},
        }
        desc = f"{model} {corpus.name} {config['layout']} {gan.loss}"

        def fit(budget: Budget, save: Callable[[dict[str, Any]], None]) -> dict[str, Any] | None:
            trainer.fit(budget, show_progress=show_progress, desc=desc, snapshot_every=every, snapshot_latent=latent,
                        checkpoint_every=checkpoint_every, on_checkpoint=lambda t: save(t.state()))  # fmt: skip
            return {"snapshots": [(step, sample.half()) for step, sample in trainer.snapshots]} if every else None

        return Run(config=config, codec=codec.to_dict(), info=info, fit=fit)

    def network(self, checkpoint: dict[str, Any], device: Any) -> ImageGenerator:
        """The generator (:func:`load_critic` gives the critic, for the lesson's diagnostics)."""
        return _part(ImageGenerator, "generator.", checkpoint, device)

    def codec(self, checkpoint: dict[str, Any]) -> ImageCodec:
        return ImageCodec.from_dict(checkpoint["codec"])

    def sample(self, loaded: Loaded, count: int, *, bars: int, seed: int, temperature: float) -> list[Song]:
        """``count`` songs of ``bars`` bars of 4/4 at the checkpoint's tempo, each of independent 9.6 s
        images end to end (all the songs' latents drawn from ``seed`` at once, so one song of a seed is
        :func:`generate`'s song)."""
        codec = loaded.codec
        per = math.ceil(bars * (4 * 60.0 / codec.bpm / image.SECONDS_PER_STEP) / image.STEPS)
        images = generate_images(loaded, count * per, seed=seed, temperature=temperature)
        title = loaded.title(seed)
        songs = [codec.decode(images[i * per : (i + 1) * per], title=f"{title} #{i}" if count > 1 else title)
                 for i in range(count)]  # fmt: skip
        return [song.crop(0, bars * song.ticks_per_bar) for song in songs]

    def view(self, loaded: Loaded, corpus: Corpus, split: str) -> list[Song]:
        """``split`` as the picture holds it: consecutive 9.6 s clips, one track at 100 bpm."""
        return loaded.codec.clip_songs(list(corpus.splits[split]), drums=loaded.config["drums"])

    def extras(self, loaded: Loaded, corpus: Corpus, split: str, seed: int) -> dict[str, Any]:
        """Lesson 03's numbers: pixel and direction statistics of :data:`EVALUATION_CLIPS` generated clips
        and of the split's 9.6 s clips (drawn as the checkpoint was trained), and the critic's scores."""
        from ..metrics.images import direction_stats, pixel_stats

        codec, config = loaded.codec, loaded.config
        fake = generate_images(loaded, EVALUATION_CLIPS, seed=seed)
        real = codec.clips(list(corpus.splits[split]), drums=config["drums"])
        scores = critic_scores(loaded, real)
        return {
            "layout": codec.layout,
            "loss": config["gan"]["loss"],
            "drums": config["drums"],
            "decoding": f"pixels above {codec.threshold} sound; each run of them in a row is one note, at "
            f"{codec.bpm:g} bpm (one 0.05 s step = 1/12 beat)",
            "generated_clips": len(fake),
            "real_clips": len(real),
            "pixels": {"generated": pixel_stats(fake), "real": pixel_stats(real)},
            "direction": {"generated": direction_stats(fake), "real": direction_stats(real)},
            "critic": {
                "real": float(scores.mean()),
                "real_reversed": float(critic_scores(loaded, image.reverse(real)).mean()),
                "generated": float(critic_scores(loaded, fake).mean()),
                "real_std": float(scores.std()),
            },
        }


    # lesson 03's own hooks, reached through a Loaded (``loaded.family``) by its measurements
    def images(self, loaded: Loaded, count: int, *, seed: int = 0, temperature: float = 1.0) -> np.ndarray:
        """``count`` generated images, not thresholded (:func:`generate_images`)."""
        return generate_images(loaded, count, seed=seed, temperature=temperature)

    def critic_scores(self, loaded: Loaded, images: np.ndarray) -> np.ndarray:
        """The critic's score of each image (:func:`critic_scores`)."""
        return critic_scores(loaded, images)


FAMILY = ImageGANFamily()


# ---------------------------------------------------------------------- helpers for notebook 03 and measurements
def _part(cls: type, prefix: str, checkpoint: dict[str, Any], device: Any) -> Any:
    FAMILY.check(checkpoint.get("model"))
    net = cls(ImageGANConfig(**checkpoint["config"]["model"]))
    net.load_state_dict({k[len(prefix) :]: v for k, v in checkpoint["state"].items() if k.startswith(prefix)})
    return net.to(resolve_device(device)).eval()


def _loaded(checkpoint: Loaded | dict[str, Any], device: Any = "cpu") -> Loaded:
    return checkpoint if isinstance(checkpoint, Loaded) else family.load(FAMILY, checkpoint, device=device)


def load_generator(checkpoint: Loaded | dict[str, Any], device: Any = "cpu") -> ImageGenerator:
    """The generator of a checkpoint, in evaluation mode, on ``device`` (a Loaded's own network)."""
    return checkpoint.network if isinstance(checkpoint, Loaded) else FAMILY.network(checkpoint, device)


def load_critic(checkpoint: Loaded | dict[str, Any], device: Any = "cpu") -> ImageCritic:
    """The critic (discriminator) of a checkpoint, in evaluation mode, on ``device`` (a Loaded's own)."""
    if isinstance(checkpoint, Loaded):
        checkpoint, device = checkpoint.checkpoint, checkpoint.device
    return _part(ImageCritic, "critic.", checkpoint, device)


@torch.no_grad()
def critic_scores(checkpoint: Loaded | dict[str, Any], images: np.ndarray, batch: int = 256) -> np.ndarray:
    """The critic's score of each image (N, C, 96, W): higher = "more real" to it."""
    critic = load_critic(checkpoint)
    place = next(critic.parameters()).device
    x = torch.as_tensor(np.asarray(images, dtype=np.float32))
    return torch.cat([critic(x[i : i + batch].to(place)).cpu() for i in range(0, len(x), batch)]).numpy()


@torch.no_grad()
def generate_images(checkpoint: Loaded | dict[str, Any], count: int, *, seed: int = 0, temperature: float = 1.0,
                    batch: int = 256) -> np.ndarray:  # fmt: skip
    """``count`` generated images (count, C, 96, W), pixel values in [0, 1] (not thresholded).

    The latents are drawn from a CPU generator seeded with ``seed`` and scaled by ``temperature``;
    the network runs on the Loaded's device.
    """
    if count < 0 or temperature <= 0:
        raise FamilyError(f"count {count} and temperature {temperature}: need count >= 0, temperature > 0")
    loaded = _loaded(checkpoint)
    generator = loaded.network
    place = next(generator.parameters()).device
    latent = generator.sample_latent(count, torch.Generator().manual_seed(seed)) * temperature
    parts = [generator(latent[i : i + batch].to(place)).cpu() for i in range(0, count, batch)]
    return torch.cat(parts).numpy() if parts else np.zeros((0, *loaded.codec.shape), np.float32)


def decode(checkpoint: Loaded | dict[str, Any], images: np.ndarray, *, threshold: float | None = None,
           title: str = "") -> Song:  # fmt: skip
    """Images played one after another as one Song at the checkpoint's tempo (one track)."""
    codec = checkpoint.codec if isinstance(checkpoint, Loaded) else ImageCodec.from_dict(checkpoint["codec"])
    return codec.decode(np.asarray(images), threshold=threshold, title=title)


def generate(checkpoint: Loaded | dict[str, Any], *, bars: int = 8, seed: int = 0, temperature: float = 1.0,
             device: Any = "cpu") -> Song:  # fmt: skip
    """:func:`companion.family.generate` of a checkpoint (loaded on ``device``; a Loaded stays on its
    own): the same seed gives the same MIDI bytes."""
    return family.generate(_loaded(checkpoint, device), bars=bars, seed=seed, temperature=temperature)
