"""The image-GAN pipeline (``image-gan`` on ``bach`` and ``jazz``): the image codec + the DCGAN +
the shared GAN trainer (:mod:`companion.train.gan`, unchanged from lesson 02). The zoo functions::

    train(model, corpus, *, steps, seed, out, resume) -> checkpoint dict (saved to ``out``)
    generate(checkpoint, *, bars, seed, temperature) -> Song
    evaluate(checkpoint, corpus, *, split, seed) -> dict of plain numbers

**Data.** Every training song is drawn as a step roll at 0.05 s per step through its tempo map
(:mod:`companion.codecs.image`, times rounded to the grid), and cut into 9.6 s windows every
``hop`` steps (default 48 = 2.4 s, so windows overlap); a batch is random windows as images
``(batch, 3, 96, 64)`` (the seed's RGB packing) or ``(batch, 1, 96, 192)`` (``layout="plain"``).
Drums are drawn in at their key numbers unless ``drums=False``, as in the seed.

**Training.** WGAN-GP by default (5 critic updates per generator update, penalty 10, Adam 1e-3,
betas 0.5/0.9: the trainer's defaults, as lesson 02); ``loss="gan"`` trains with the original GAN
loss instead (one discriminator update per step, DCGAN's Adam 2e-4, betas 0.5/0.999), where the
overshooting and mode collapse of lesson 03 show.

**Writing back.** A generated image is thresholded at 0.5 and decoded at the checkpoint's stated
tempo, 100 bpm, where a 0.05 s step is 1/12 beat and one image is 16 beats = 4 bars of 4/4. The
image has no beat: the bars of the MIDI written are notional (the jazz corpus plays at 120-220 bpm,
so its pulse lands anywhere on this grid). ``bars`` longer than one image chain independent images
end to end -- nothing connects one 9.6 s picture to the next.

**Evaluation.** Generated 9.6 s clips against the real ``split`` cut into 9.6 s clips, both decoded
the same way (so both are "what an image holds": one track, merged notes), with the shared metrics
(:func:`companion.metrics.corpus_metrics`) plus the picture's own numbers (:func:`pixel_stats`,
:func:`direction_stats`).

Used by notebook 03_image_gan, the CLI, ``companion.experiments.imagegan_*`` and lesson 06.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..checkpoint import FORMAT, resumable, save_checkpoint
from ..codecs import encodable, image
from ..data import Corpus
from ..device import resolve_device, to_cpu
from ..errors import CompanionError
from ..models.imagegan import ImageCritic, ImageGANConfig, ImageGenerator, build, count_parameters
from ..song import ChordLabel, Song
from ..theory import RESOLUTION
from ..train import Budget, seed_everything
from ..train.gan import GANConfig, GANTrainer, RandomBatches

MODEL = "image-gan"
DEFAULT_STEPS = 800
"""Generator steps when ``--steps`` is not given (about 5 minutes on one CPU thread, RGB layout)."""
BATCH_SIZE = 16
HOP = 48
"""Steps between the starts of training windows (2.4 s): each 9.6 s window overlaps the next."""
BPM = image.DEFAULT_BPM
"""The stated tempo of the MIDI written: 100 bpm, where 0.05 s is 1/12 beat (40 ticks)."""
THRESHOLD = 0.5
PROGRAMS = {"bach": 52, "jazz": 0}
"""General MIDI program of the one decoded track: choir for the chorales, piano for jazz (and folders)."""
GAN_SETTINGS = {
    "wgan-gp": {"loss": "wgan-gp", "n_critic": 5, "gp_weight": 10.0, "lr": 1e-3, "betas": (0.5, 0.9)},
    "gan": {"loss": "gan", "n_critic": 1, "gp_weight": 0.0, "lr": 2e-4, "betas": (0.5, 0.999)},
}
"""The trainer's settings for each loss (WGAN-GP: the trainer's/MuseGAN's; GAN: DCGAN's)."""
EVALUATION_CLIPS = 200
"""Generated 9.6 s clips ``evaluate`` measures."""


class PipelineError(CompanionError):
    """A corpus, option or checkpoint the image-GAN pipeline cannot handle."""


# ---------------------------------------------------------------------- data
def song_clips(song: Song, *, layout: str = "rgb", drums: bool = True, hop: int = image.STEPS) -> np.ndarray:
    """The 9.6 s windows of one song, every ``hop`` steps, as images (N, C, 96, W): whole windows
    only, or the song padded to one window when it is shorter. Times are rounded to the 0.05 s grid
    and notes outside MIDI 21..116 dropped (:func:`companion.codecs.image.outside_count`)."""
    clips = image.windows(song, layout=layout, hop=hop, drums=drums, quantize=True, drop_outside=True,
                          keep_partial=False)  # fmt: skip
    if len(clips) == 0 and song.num_notes:
        clips = image.windows(song, layout=layout, hop=hop, drums=drums, quantize=True, drop_outside=True)[:1]
    return clips


def corpus_clips(songs: list[Song], *, layout: str = "rgb", drums: bool = True, hop: int = image.STEPS,
                 skipped: list[str] | None = None) -> np.ndarray:  # fmt: skip
    """:func:`song_clips` of every song, stacked: uint8 (N, C, 96, W) of 0s and 1s. A song the codec
    refuses (too long for its memory cap, a tempo off its grid ...) is left out and described in
    ``skipped``."""

    def clips(song: Song) -> np.ndarray:
        return song_clips(song, layout=layout, drums=drums, hop=hop).astype(np.uint8)

    parts = [p for _, p in encodable(songs, clips, skipped if skipped is not None else [])]
    parts = [p for p in parts if len(p)]
    if not parts:
        raise PipelineError(f"no 9.6 s clip with notes among {len(songs)} songs")
    return np.concatenate(parts)


def real_clip_songs(songs: list[Song], *, drums: bool = True, bpm: float = BPM, program: int = 0) -> list[Song]:
    """The songs cut into consecutive 9.6 s clips and decoded as an image holds them (one track at
    ``bpm``), with the songs' chord labels carried over in the decoded clip's ticks (for the
    chord-tone rate against ground truth)."""
    out = []
    step_ticks = image.ticks_per_step(bpm, RESOLUTION)
    for song in songs:
        clips = song_clips(song, drums=drums)
        chord_steps = [
            (round(song.tick_to_seconds(c.tick) * image.STEPS_PER_SECOND),
             round(song.tick_to_seconds(c.tick + c.duration) * image.STEPS_PER_SECOND), c)
            for c in song.chords
        ]  # fmt: skip
        for k, clip in enumerate(clips):
            clip_song = image.decode(clip, bpm=bpm, resolution=RESOLUTION, program=program,
                                     title=f"{song.title} clip {k + 1}")  # fmt: skip
            lo, hi = k * image.STEPS, (k + 1) * image.STEPS
            clip_song.chords = [
                ChordLabel((max(s, lo) - lo) * step_ticks, (min(e, hi) - max(s, lo)) * step_ticks, c.root, c.quality)
                for s, e, c in chord_steps
                if s < hi and e > lo and min(e, hi) > max(s, lo)
            ]
            out.append(clip_song)
    return out


def _sampler(clips: torch.Tensor):
    """Random clips from a uint8 tensor (kept small: 18 KB per clip instead of 74 KB), as floats."""

    def sample(batch_size: int, generator: torch.Generator) -> torch.Tensor:
        return clips[torch.randint(len(clips), (batch_size,), generator=generator)].float()

    return sample


def gan_config(loss: str = "wgan-gp", **overrides: Any) -> GANConfig:
    """The trainer's settings for ``loss`` (:data:`GAN_SETTINGS`), with overrides."""
    if loss not in GAN_SETTINGS:
        raise PipelineError(f"loss {loss!r}: choose one of {', '.join(GAN_SETTINGS)}")
    settings = {**GAN_SETTINGS[loss], **overrides}
    settings["betas"] = tuple(settings["betas"])
    return GANConfig(**settings)


def model_config(layout: str = "rgb", **overrides: Any) -> ImageGANConfig:
    """The network's configuration for a layout (its image shape) with overrides."""
    if layout not in image.LAYOUTS:
        raise PipelineError(f"layout {layout!r}: choose one of {', '.join(image.LAYOUTS)}")
    channels, height, width = image.LAYOUTS[layout]
    defaults = {"d_channels": 16}
    return ImageGANConfig(channels=channels, height=height, width=width, **{**defaults, **overrides})


# ---------------------------------------------------------------------- train
def train(
    model: str,
    corpus: Corpus,
    *,
    steps: int | None = None,
    seed: int = 0,
    out: str | Path | None = None,
    resume: bool = False,
    layout: str = "rgb",
    loss: str = "wgan-gp",
    drums: bool = True,
    hop: int = HOP,
    batch_size: int = BATCH_SIZE,
    max_seconds: float | None = None,
    config: dict[str, Any] | None = None,
    gan: dict[str, Any] | None = None,
    show_progress: bool | None = None,
    snapshot_every: int = 0,
    snapshot_count: int = 64,
    checkpoint_every: int = 100,
    threads: int | None = 1,
    device: str | torch.device | None = "cpu",
) -> dict[str, Any]:
    """Train the image GAN on ``corpus``'s train split; returns the checkpoint dict (also saved to
    ``out`` every ``checkpoint_every`` steps with the optimiser state, so ``resume`` continues).

    Args:
        model: ``image-gan``.
        corpus: ``bach``, ``jazz`` or a folder.
        steps: generator steps in total (default :data:`DEFAULT_STEPS`).
        seed: seeds initialisation, batches and latents.
        out: checkpoint file; with ``resume`` and an existing file, training continues from it.
        layout: ``"rgb"`` (3 x 96 x 64, the seed's) or ``"plain"`` (1 x 96 x 192).
        loss: ``"wgan-gp"`` or ``"gan"`` (the original loss; :data:`GAN_SETTINGS`).
        drums: draw drum notes into the images (the seed) or drop the drum tracks.
        hop: steps between training windows.
        batch_size: images per batch.
        max_seconds: also stop after this much wall time.
        config, gan: overrides of :class:`ImageGANConfig` and :class:`GANConfig`.
        show_progress: draw a tqdm bar (None: when the output is a terminal or notebook).
        snapshot_every: every this many steps keep the generator's images for ``snapshot_count``
            fixed latents, in the returned checkpoint's ``train["snapshots"]`` as (step, float16
            images) -- for the diversity-over-training curve.
        checkpoint_every: save to ``out`` every this many steps.
        threads: torch threads while training (restored afterwards); 1, as the shipped checkpoints
            were trained, so the CLI command reproduces them. None keeps torch's setting.
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"mps"`` (:func:`companion.device.resolve_device`);
            recorded as ``train["device"]`` (``cpu_seconds`` stays the CPU time of the process).
    """
    device = resolve_device(device)
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return _train(model, corpus, steps=steps, seed=seed, out=out, resume=resume, layout=layout, loss=loss,
                      drums=drums, hop=hop, batch_size=batch_size, max_seconds=max_seconds, config=config, gan=gan,
                      show_progress=show_progress, snapshot_every=snapshot_every, snapshot_count=snapshot_count,
                      checkpoint_every=checkpoint_every, device=device)  # fmt: skip
    finally:
        torch.set_num_threads(before)


def _train(
    model: str,
    corpus: Corpus,
    *,
    steps: int | None,
    seed: int,
    out: str | Path | None,
    resume: bool,
    layout: str,
    loss: str,
    drums: bool,
    hop: int,
    batch_size: int,
    max_seconds: float | None,
    config: dict[str, Any] | None,
    gan: dict[str, Any] | None,
    show_progress: bool | None,
    snapshot_every: int,
    snapshot_count: int,
    checkpoint_every: int,
    device: torch.device,
) -> dict[str, Any]:
    if model != MODEL:
        raise PipelineError(f"the image-GAN pipeline trains {MODEL}, not {model!r}")
    steps = DEFAULT_STEPS if steps is None else int(steps)
    if steps < 1:
        raise PipelineError(f"steps must be >= 1, not {steps}")
    out = Path(out) if out is not None else None
    previous = resumable(out, resume=resume, model=model, corpus=corpus.name)
    if previous is not None:
        settings = previous["config"]
        layout, drums, hop, batch_size = settings["layout"], settings["drums"], settings["hop"], settings["batch_size"]
        net_config = ImageGANConfig(**settings["model"])
        gan_settings = GANConfig(**{**settings["gan"], "betas": tuple(settings["gan"]["betas"])})
    else:
        net_config = model_config(layout, **(config or {}))
        gan_settings = gan_config(loss, **(gan or {}))
    seed_everything(seed)
    skipped: list[str] = []
    clips = torch.from_numpy(corpus_clips(corpus.train, layout=layout, drums=drums, hop=hop, skipped=skipped))
    generator, critic = build(net_config)
    batches = RandomBatches(_sampler(clips), batch_size, seed=seed + 1)

    def sample_latent(n: int, rng: torch.Generator) -> torch.Tensor:
        return generator.sample_latent(n, rng)

    trainer = GANTrainer(generator, critic, sample_latent, batches, gan_settings, seed=seed, device=device)
    if previous is not None:
        trainer.load_state(previous)
    info = {
        "corpus": corpus.name,
        "source": corpus.source,
        "seed": seed,
        "budget_steps": steps,
        "max_seconds": max_seconds,
        "train_clips": len(clips),
        "train_songs": len(corpus.train),
        "pixels_on": round(float(clips.float().mean()), 5),
        **({"skipped": skipped} if skipped else {}),
        "parameters": {"generator": count_parameters(generator), "critic": count_parameters(critic)},
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
    }
    base = {
        "format": FORMAT,
        "model": model,
        "config": {
            "model": net_config.to_dict(),
            "gan": gan_settings.to_dict(),
            "layout": layout,
            "drums": drums,
            "hop": hop,
            "batch_size": batch_size,
        },
        "codec": codec_info(corpus.name, layout),
    }
    latest: dict[str, Any] = {}
    cpu_before = float(previous["train"].get("cpu_seconds", 0.0)) if previous is not None else 0.0
    cpu_started = time.process_time()

    def on_checkpoint(t: GANTrainer) -> None:
        saved = t.state()
        info["cpu_seconds"] = round(cpu_before + time.process_time() - cpu_started, 2)
        latest["checkpoint"] = to_cpu({**base, "state": saved["state"], "train": {**info, **saved["train"]},
                                       "optimizer": saved["optimizer"]})  # fmt: skip
        if out is not None:
            save_checkpoint(out, latest["checkpoint"])

    snapshot_latent = sample_latent(snapshot_count, torch.Generator().manual_seed(seed + 2)) if snapshot_every else None
    trainer.fit(
        Budget(steps, max_seconds),
        show_progress=show_progress,
        desc=f"{model} {corpus.name} {layout} {gan_settings.loss}",
        snapshot_every=snapshot_every,
        snapshot_latent=snapshot_latent,
        checkpoint_every=checkpoint_every,
        on_checkpoint=on_checkpoint,
    )
    checkpoint = latest["checkpoint"]
    if snapshot_every:
        checkpoint["train"]["snapshots"] = [(step, sample.half()) for step, sample in trainer.snapshots]
    return checkpoint


def codec_info(corpus: str, layout: str) -> dict[str, Any]:
    """What the checkpoint carries to write an image back to MIDI (plain data)."""
    return {
        "layout": layout,
        "shape": list(image.LAYOUTS[layout]),
        "seconds_per_step": image.SECONDS_PER_STEP,
        "lowest_pitch": image.LOWEST_PITCH,
        "rows": image.NUM_ROWS,
        "threshold": THRESHOLD,
        "bpm": BPM,
        "resolution": RESOLUTION,
        "program": PROGRAMS.get(corpus, 0),
    }


# ---------------------------------------------------------------------- networks of a checkpoint
def _check(checkpoint: dict[str, Any]) -> None:
    if checkpoint.get("model") != MODEL:
        raise PipelineError(f"not an {MODEL} checkpoint: model {checkpoint.get('model')!r}")


def load_generator(checkpoint: dict[str, Any], device: str | torch.device | None = "cpu") -> ImageGenerator:
    """The generator of a checkpoint, in evaluation mode, on ``device``."""
    _check(checkpoint)
    generator = ImageGenerator(ImageGANConfig(**checkpoint["config"]["model"]))
    generator.load_state_dict({k[10:]: v for k, v in checkpoint["state"].items() if k.startswith("generator.")})
    return generator.to(resolve_device(device)).eval()


def load_critic(checkpoint: dict[str, Any], device: str | torch.device | None = "cpu") -> ImageCritic:
    """The critic (discriminator) of a checkpoint, in evaluation mode, on ``device``."""
    _check(checkpoint)
    critic = ImageCritic(ImageGANConfig(**checkpoint["config"]["model"]))
    critic.load_state_dict({k[7:]: v for k, v in checkpoint["state"].items() if k.startswith("critic.")})
    return critic.to(resolve_device(device)).eval()


@torch.no_grad()
def critic_scores(
    checkpoint: dict[str, Any], images: np.ndarray, batch: int = 256, device: str | torch.device | None = "cpu"
) -> np.ndarray:
    """The critic's score of each image (N, C, 96, W): higher = "more real" to it."""
    critic = load_critic(checkpoint, device)
    place = next(critic.parameters()).device
    x = torch.as_tensor(np.asarray(images, dtype=np.float32))
    return torch.cat([critic(x[i : i + batch].to(place)).cpu() for i in range(0, len(x), batch)]).numpy()


@torch.no_grad()
def generate_images(checkpoint: dict[str, Any], count: int, *, seed: int = 0, temperature: float = 1.0,
                    batch: int = 256, device: str | torch.device | None = "cpu") -> np.ndarray:  # fmt: skip
    """``count`` generated images (count, C, 96, W), pixel values in [0, 1] (not thresholded).

    The latents are drawn from a CPU generator seeded with ``seed`` and scaled by ``temperature``;
    the network runs on ``device``.
    """
    if count < 0 or temperature <= 0:
        raise PipelineError(f"count {count} and temperature {temperature}: need count >= 0, temperature > 0")
    generator = load_generator(checkpoint, device)
    place = next(generator.parameters()).device
    latent = generator.sample_latent(count, torch.Generator().manual_seed(seed)) * temperature
    parts = [generator(latent[i : i + batch].to(place)).cpu() for i in range(0, count, batch)]
    return torch.cat(parts).numpy() if parts else np.zeros((0, *checkpoint["codec"]["shape"]), np.float32)


def decode(checkpoint: dict[str, Any], images: np.ndarray, *, threshold: float | None = None, title: str = "") -> Song:
    """Images played one after another as one Song at the checkpoint's tempo (one track)."""
    codec = checkpoint["codec"]
    roll = image.concat_clips(images)
    return image.decode(roll, threshold=codec["threshold"] if threshold is None else threshold, bpm=codec["bpm"],
                        resolution=codec["resolution"], program=codec["program"], title=title)  # fmt: skip


def generate(
    checkpoint: dict[str, Any],
    *,
    bars: int = 8,
    seed: int = 0,
    temperature: float = 1.0,
    device: str | torch.device | None = "cpu",
) -> Song:
    """A song of ``bars`` bars of 4/4 at the checkpoint's tempo: independent 9.6 s images end to end,
    thresholded at 0.5; the same seed gives the same MIDI bytes.

    Args:
        temperature: scales the latent vectors (below 1: closer to the generator's average picture).
    """
    _check(checkpoint)
    if bars < 1:
        raise PipelineError(f"bars must be >= 1, not {bars}")
    codec = checkpoint["codec"]
    bar_steps = 4 * 60.0 / codec["bpm"] / codec["seconds_per_step"]
    count = math.ceil(bars * bar_steps / image.STEPS)
    images = generate_images(checkpoint, count, seed=seed, temperature=temperature, device=device)
    song = decode(checkpoint, images, title=f"{MODEL} {checkpoint['train'].get('corpus', '')} seed {seed}")
    return song.crop(0, bars * song.ticks_per_bar)


def generate_clips(checkpoint: dict[str, Any], count: int, *, seed: int = 0, threshold: float | None = None,
                   temperature: float = 1.0) -> list[Song]:  # fmt: skip
    """``count`` independent 9.6 s clips as songs (what ``evaluate`` measures)."""
    images = generate_images(checkpoint, count, seed=seed, temperature=temperature)
    name = f"{MODEL} {checkpoint['train'].get('corpus', '')} seed {seed}"
    return [decode(checkpoint, x[None], threshold=threshold, title=f"{name} #{i}") for i, x in enumerate(images)]


# ---------------------------------------------------------------------- the picture's own numbers
def pixel_stats(images: np.ndarray, low: float = 0.2, high: float = 0.8) -> dict[str, float]:
    """How undecided the pixels are: the share strictly between ``low`` and ``high`` (the "blur"),
    the share above 0.5, and the mean value. Real images are 0 or 1, so their blur is 0."""
    values = np.asarray(images, dtype=np.float32).ravel()
    return {
        "ambiguous_share": float(((values > low) & (values < high)).mean()) if values.size else math.nan,
        "on_share": float((values > THRESHOLD).mean()) if values.size else math.nan,
        "mean": float(values.mean()) if values.size else math.nan,
    }


def _edges(roll: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    on = np.asarray(roll) > THRESHOLD
    before = np.zeros_like(on)
    before[:, 1:] = on[:, :-1]
    after = np.zeros_like(on)
    after[:, :-1] = on[:, 1:]
    return on & ~before, on & ~after  # onsets, last steps of notes


def direction_stats(images: np.ndarray) -> dict[str, float]:
    """Two statistics that change sign when the music is played backwards (each is exactly
    antisymmetric under :func:`companion.codecs.image.reverse`), pooled over the images.

    * ``attack_minus_release``: mean number of notes starting together (per step where any note
      starts) minus mean number of notes ending together (per step where any note ends). Music
      attacks chords together and lets notes go one by one; played backwards it would be the
      other way round.
    * ``step_down_share``: of the stepwise connections -- a note ends and the next step a note one
      or two semitones away begins -- the share going down minus the share going up (melodies
      resolve downwards by step more often than upwards).

    Returns:
        The two statistics and the counts behind them.
    """
    starts = ends = start_steps = end_steps = down = up = 0
    for clip in np.asarray(images):
        onsets, releases = _edges(image.unpack(clip))
        starts += int(onsets.sum())
        ends += int(releases.sum())
        start_steps += int(onsets.any(0).sum())
        end_steps += int(releases.any(0).sum())
        for d in (1, 2):  # row + d is d semitones lower
            down += int((releases[:-d, :-1] & onsets[d:, 1:]).sum())
            up += int((releases[d:, :-1] & onsets[:-d, 1:]).sum())
    attack = starts / start_steps if start_steps else math.nan
    release = ends / end_steps if end_steps else math.nan
    return {
        "attack_minus_release": attack - release,
        "notes_per_attack": attack,
        "notes_per_release": release,
        "step_down_share": (down - up) / (down + up) if down + up else math.nan,
        "steps_down": down,
        "steps_up": up,
    }


def shift_sensitivity(checkpoint: dict[str, Any], images: np.ndarray, shifts: tuple[int, ...] = (1, 2, 3)) -> dict:
    """How much the critic's score moves when the same clips start ``k`` steps later, in units of the
    spread of its scores over the clips: mean |D(shift_k(x)) - D(x)| / std D(x). A plain-layout
    convolution sees a 1-step shift as a 1-pixel shift; an RGB one sees every sub-pixel change
    channel, and only a 3-step shift moves the picture by one whole pixel."""
    base = critic_scores(checkpoint, images)
    spread = float(base.std()) or 1.0
    return {
        str(k): float(np.abs(critic_scores(checkpoint, image.shift(images, k)) - base).mean() / spread) for k in shifts
    }


# ---------------------------------------------------------------------- evaluate
TABLE_ROWS = (
    ("notes_per_clip", "notes per 9.6 s clip"),
    ("EB_mean", "EB (% empty bars)"),
    ("UPC_mean", "UPC (pitch classes per bar)"),
    ("QN_mean", "QN (% notes >= 3 steps = 0.15 s)"),
    ("chord_tone_rate", "chord-tone rate (recognised)"),
    ("diversity", "diversity"),
    ("ambiguous_share", "pixels in 0.2-0.8 (blur)"),
    ("attack_minus_release", "attack minus release (direction)"),
    ("step_down_share", "step down minus up (direction)"),
)


def evaluate(
    checkpoint: dict[str, Any],
    corpus: Corpus,
    *,
    split: str = "test",
    seed: int = 0,
    clips: int = EVALUATION_CLIPS,
    device: str | torch.device | None = "cpu",
) -> dict[str, Any]:
    """The shared metrics of ``clips`` generated 9.6 s clips next to the real ``split`` cut into
    9.6 s clips, both decoded from images the same way; plus pixel and direction statistics and the
    critic's mean score of the real clips forwards and backwards.

    Returns:
        ``table`` (metric -> real / generated), ``generated`` and ``real``
        (:func:`companion.metrics.corpus_metrics`; real clips with drums drawn in as the checkpoint
        was trained), ``pixels``, ``direction``, ``critic`` and the settings.
    """
    from .. import metrics

    _check(checkpoint)
    if split not in corpus.splits:
        raise PipelineError(f"corpus {corpus.name} has no split {split!r}")
    started = time.perf_counter()
    codec, settings = checkpoint["codec"], checkpoint["config"]
    fake_images = generate_images(checkpoint, clips, seed=seed, device=device)
    real_images = corpus_clips(corpus.splits[split], layout=codec["layout"], drums=settings["drums"])
    generated = [decode(checkpoint, x[None], title=f"generated #{i}") for i, x in enumerate(fake_images)]
    real = real_clip_songs(corpus.splits[split], drums=settings["drums"], program=codec["program"])
    for song in real:
        song.chords = []  # the same recognised-chord score for both
    gen_row = metrics.corpus_metrics(generated)
    real_row = metrics.corpus_metrics(real)
    for row, songs in ((gen_row, generated), (real_row, real)):
        row["notes_per_clip"] = round(sum(s.num_notes for s in songs) / max(len(songs), 1), 2)
    pixels = {"generated": pixel_stats(fake_images), "real": pixel_stats(real_images)}
    direction = {"generated": direction_stats(fake_images), "real": direction_stats(real_images)}
    real_scores = critic_scores(checkpoint, real_images, device=device)
    critic = {
        "real": float(real_scores.mean()),
        "real_reversed": float(critic_scores(checkpoint, image.reverse(real_images), device=device).mean()),
        "generated": float(critic_scores(checkpoint, fake_images, device=device).mean()),
        "real_std": float(real_scores.std()),
    }
    table = {}
    for key, label in TABLE_ROWS:
        if key in pixels["real"]:
            table[label] = {"real": _round(pixels["real"][key]), "generated": _round(pixels["generated"][key])}
        elif key in direction["real"]:
            table[label] = {"real": _round(direction["real"][key]), "generated": _round(direction["generated"][key])}
        else:
            table[label] = {"real": real_row.get(key), "generated": gen_row.get(key)}
    return {
        "table": table,
        "model": checkpoint["model"],
        "corpus": corpus.name,
        "split": split,
        "trained_on": checkpoint["train"].get("corpus"),
        "train_steps": checkpoint["train"].get("steps"),
        "layout": codec["layout"],
        "loss": settings["gan"]["loss"],
        "drums": settings["drums"],
        "threshold": codec["threshold"],
        "decoding": f"pixels above {codec['threshold']} sound; each run of them in a row is one note, at "
        f"{codec['bpm']:g} bpm (one 0.05 s step = 1/12 beat)",
        "qn_min_steps": metrics.QN_MIN_STEPS,
        "generated_clips": len(generated),
        "real_clips": len(real),
        "generated": gen_row,
        "real": real_row,
        "pixels": _rounded(pixels),
        "direction": _rounded(direction),
        "critic": _rounded(critic),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _round(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 4)


def _rounded(tree: dict) -> dict:
    return {k: _rounded(v) if isinstance(v, dict) else _round(v) for k, v in tree.items()}


# ---------------------------------------------------------------------- shipping
SHIPPED_METRICS = ("table", "generated", "real", "pixels", "direction", "critic", "qn_min_steps", "decoding",
                   "layout", "loss", "drums")  # fmt: skip
"""The parts of :func:`evaluate` a shipped checkpoint's manifest keeps."""


def ship(path: str | Path, command: str, corpus: Corpus) -> Path:
    """Turn a trained checkpoint into a shipped one (:func:`companion.checkpoint.ship`), its manifest
    holding :data:`SHIPPED_METRICS` of :func:`evaluate` on ``corpus``. Returns the manifest's path."""
    from ..checkpoint import ship as ship_checkpoint

    return ship_checkpoint(path, command=command, evaluate=lambda c: evaluate(c, corpus), keep=SHIPPED_METRICS)
