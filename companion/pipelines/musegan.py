"""The MuseGAN pipeline: piano-roll codec + the three MuseGAN models + the WGAN-GP trainer, for
``musegan-jamming``, ``musegan-composer`` and ``musegan-hybrid`` on ``bach`` (4 tracks S/A/T/B) and
``jazz`` (5 tracks, drums included). The three zoo functions::

    train(model, corpus, *, steps, seed, out, resume) -> checkpoint dict (saved to ``out``)
    generate(checkpoint, *, bars, seed, temperature) -> Song
    evaluate(checkpoint, corpus, *, split, seed) -> dict of plain numbers

**Data.** Every training song in 4/4 becomes a binary roll at MuseGAN's grid -- 12 steps per beat,
48 per bar, 84 pitches from MIDI 24 (C1) to 107 (B7) -- and a batch is phrases of 4 consecutive
bars starting on any bar line: tensors ``(batch, tracks, 4, 48, 84)``.

**Writing back (the seed's ``fs`` problem).** A roll is steps x pitches; it does not say how long
a step lasts. The seed report could not write its predictions back to MIDI because
``pypianoroll.Multitrack`` wanted a sampling rate it could not recover from the predictions. Here the
checkpoint *carries* what the roll lacks: steps per beat (12), the lowest pitch (24), the track
names/programs/drum flags, a tempo (the median of the training songs) and the 4/4 metre, so
:func:`generate` decodes a roll to a :class:`~companion.song.Song` at 480 ticks per beat with no
guesswork, and the sampling rate in seconds is simply ``12 * bpm / 60`` steps per second
(:func:`sampling_rate`). :func:`to_multitrack` hands the same song to pypianoroll.

**Binarisation and decoding.** How the model was *trained* is in its config: ``binarize="hard"``
(the paper, and the shipped checkpoints: the critic judges the generator's probabilities, the roll
is thresholded afterwards) or ``"straight-through"`` (BinaryMuseGAN: the critic judges the binary
roll). ``python -m companion.experiments.musegan_binarize`` measures both. The generator outputs a
probability per cell, and ``sampling`` says how a roll is read from it: ``"hard"`` thresholds at
0.5 (the paper), ``"bernoulli"`` samples each cell, and ``"hysteresis"`` -- the default, our
decoding rule, stored in the checkpoint's codec -- switches a note on above 0.5 and holds it while
the probability stays above 0.4 (:func:`companion.models.musegan.hysteresis_threshold`): it joins
notes the network almost held and never removes or shortens one. ``evaluate`` reports the metrics
under both the rule and the plain threshold. Each run of active steps of a pitch then becomes one
note.

**Generating more than 4 bars.** The models make 4-bar phrases. Longer songs chain phrases that
share the time-independent latents (``z`` and each ``z_i``: the "style") and draw new temporal ones;
nothing else connects them -- one of the lesson's measured limits.

Used by notebook 02_musegan, the CLI and lesson 06.
"""

from __future__ import annotations

import math
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..checkpoint import FORMAT, resumable, save_checkpoint
from ..codecs import pianoroll
from ..data import Corpus, registers_for
from ..device import resolve_device, to_cpu
from ..errors import CodecError, CompanionError
from ..models.musegan import MuseGANConfig, MuseGANGenerator, build, count_parameters
from ..song import Song, Tempo, TimeSignature, Track
from ..theory import BEATS_PER_BAR, RESOLUTION, STEPS_PER_BEAT
from ..train import Budget, seed_everything
from ..train.gan import GANConfig, GANTrainer, RandomBatches

MODELS = ("musegan-jamming", "musegan-composer", "musegan-hybrid")
BARS = 4
STEPS_PER_BAR = BEATS_PER_BAR * STEPS_PER_BEAT  # STEPS_PER_BEAT, RESOLUTION: companion.theory
LOWEST_PITCH = 24
PITCHES = 84
DEFAULT_STEPS = 1000
"""Generator steps when ``--steps`` is not given, and of every shipped checkpoint (about 4 CPU-minutes for the
hybrid on one thread)."""
BATCH_SIZE = 8
"""Phrases per batch. The paper's repository uses 64; on one CPU thread a batch of 8 gives eight times
the updates per second, and per update it learnt as fast as 16 here."""
DECODING = {"method": "hysteresis", "on": 0.5, "hold": 0.4}
"""How a generated roll is read from the generator's probabilities (stored in each checkpoint)."""
EVALUATION_BARS = 2000
"""Bars ``evaluate`` generates (500 phrases of 4 bars)."""

PAPER_TABLE1: dict[str, Any] = {
    "source": "Dong et al., MuseGAN, AAAI 2018, Table 1 (LPD rock, 5 tracks: Bass, Drums, Guitar, Piano, Strings)",
    "EB": {"data": {"Bass": 8.06, "Drums": 8.06, "Guitar": 19.4, "Piano": 24.8, "Strings": 10.1}},
    "UPC": {
        "data": {"Bass": 1.71, "Guitar": 3.08, "Piano": 3.28, "Strings": 3.38},
        "hybrid": {"Bass": 2.35, "Guitar": 4.76, "Piano": 5.45, "Strings": 5.24},
    },
    "QN": {
        "data": {"Bass": 90.0, "Guitar": 81.9, "Piano": 88.4, "Strings": 89.6},
        "hybrid": {"Bass": 44.6, "Guitar": 43.2, "Piano": 45.5, "Strings": 52.0},
    },
    "QN_min_steps": 3,
}
"""The paper's Table-1 figures the course quotes (GUIDE.md); per-track means are computed from them."""


class PipelineError(CompanionError):
    """A model/corpus pairing or a checkpoint the MuseGAN pipeline cannot handle."""


# ---------------------------------------------------------------------- data
class Phrases:
    """The training rolls of a corpus, ready to be cut into 4-bar phrases.

    Attributes:
        rolls: bool tensor (tracks, total_bars, 48, 84): every usable song, padded to whole bars, end to end.
        starts: first bar of every phrase that lies inside one song.
        tracks: the track templates (name, program, is_drum).
        bpm: the median tempo of the songs; velocities: the median velocity of each track.
        skipped: titles of songs left out (not 4/4, other track layout) and notes dropped outside 24..107.
    """

    def __init__(self, songs: list[Song], max_bars: int | None = None) -> None:
        if not songs:
            raise PipelineError("no training songs")
        template = songs[0]
        self.tracks = [Track(t.name, t.program, t.is_drum) for t in template.tracks]
        layout = [(t.name, t.is_drum) for t in template.tracks]
        rolls, starts, bpms, skipped = [], [], [], []
        velocities: list[list[int]] = [[] for _ in self.tracks]
        dropped = 0
        bar = 0
        for song in songs:
            metre = [(ts.numerator, ts.denominator) for ts in song.time_signatures]
            if set(metre) != {(4, 4)} or [(t.name, t.is_drum) for t in song.tracks] != layout:
                skipped.append(song.title)
                continue
            num_bars = song.num_bars if max_bars is None else min(song.num_bars, max_bars - bar)
            if num_bars <= 0:
                break
            inside, lost = _inside_window(song)
            try:
                roll = pianoroll.encode(
                    inside, STEPS_PER_BEAT, LOWEST_PITCH, PITCHES, quantize=True, num_steps=num_bars * STEPS_PER_BAR
                )
            except CodecError as exc:  # too long for the roll's memory cap ...: left out, not fatal
                skipped.append(f"{song.title} ({exc})")
                continue
            song = inside
            dropped += lost
            rolls.append(torch.from_numpy(roll.active).view(len(self.tracks), num_bars, STEPS_PER_BAR, PITCHES))
            starts.extend(range(bar, bar + num_bars - BARS + 1))
            bar += num_bars
            bpms.append(song.tempos[0].bpm if song.tempos else 120.0)
            for i, track in enumerate(song.tracks):
                velocities[i].extend(n.velocity for n in track.notes)
        if not starts:
            raise PipelineError(f"no 4-bar phrase in 4/4 with tracks {[n for n, _ in layout]} among {len(songs)} songs")
        self.rolls = torch.cat(rolls, 1)
        self.starts = torch.tensor(starts, dtype=torch.long)
        self.bpm = float(statistics.median(bpms))
        self.velocities = [int(statistics.median(v)) if v else 90 for v in velocities]
        self.skipped = skipped
        self.dropped_notes = dropped

    @property
    def bars(self) -> int:
        return self.rolls.shape[1]

    def pitch_frequency(self) -> torch.Tensor:
        """(tracks, pitches): the share of steps in which each pitch of each track sounds."""
        return self.rolls.float().mean((1, 2))

    def sample(self, batch_size: int, generator: torch.Generator) -> torch.Tensor:
        """``batch_size`` random phrases as a float tensor (batch, tracks, 4, 48, 84)."""
        picks = self.starts[torch.randint(len(self.starts), (batch_size,), generator=generator)]
        bars = picks[:, None] + torch.arange(BARS)
        return self.rolls[:, bars].transpose(0, 1).float()


def _inside_window(song: Song) -> tuple[Song, int]:
    """The song without notes outside MIDI 24..107, and how many were dropped."""
    high = LOWEST_PITCH + PITCHES - 1
    kept = [[n for n in t.notes if LOWEST_PITCH <= n.pitch <= high] for t in song.tracks]
    lost = song.num_notes - sum(len(k) for k in kept)
    if not lost:
        return song, 0
    tracks = [Track(t.name, t.program, t.is_drum, k) for t, k in zip(song.tracks, kept)]
    return song.copy(tracks=tracks), lost


def codec_info(phrases: Phrases) -> dict[str, Any]:
    """What the checkpoint carries to write a roll back to MIDI (plain data)."""
    return {
        "steps_per_beat": STEPS_PER_BEAT,
        "bars": BARS,
        "lowest_pitch": LOWEST_PITCH,
        "pitches": PITCHES,
        "resolution": RESOLUTION,
        "bpm": phrases.bpm,
        "time_signature": [4, 4],
        "decoding": dict(DECODING),
        "tracks": [
            {"name": t.name, "program": t.program, "is_drum": t.is_drum, "velocity": v}
            for t, v in zip(phrases.tracks, phrases.velocities)
        ],
    }


def sampling_rate(checkpoint: dict[str, Any]) -> float:
    """Steps per second of the checkpoint's rolls (the ``fs`` the seed could not recover)."""
    codec = checkpoint["codec"]
    return codec["steps_per_beat"] * codec["bpm"] / 60.0


G_CHANNELS = {"jamming": 32, "composer": 64, "hybrid": 32}
"""Width of each bar generator: the composer's one generator makes every track, so it is twice as
wide as each of the per-track generators of jamming and hybrid."""


def model_config(model: str, tracks: int, **overrides: Any) -> MuseGANConfig:
    """The :class:`MuseGANConfig` of a zoo name (``musegan-hybrid`` -> mode ``hybrid``)."""
    if model not in MODELS:
        raise PipelineError(f"the MuseGAN pipeline has no model {model!r}; choose one of {', '.join(MODELS)}")
    mode = model.split("-", 1)[1]
    return MuseGANConfig(**{"mode": mode, "tracks": tracks, "g_channels": G_CHANNELS[mode], **overrides})


# ---------------------------------------------------------------------- train
def train(
    model: str,
    corpus: Corpus,
    *,
    steps: int | None = None,
    seed: int = 0,
    out: str | Path | None = None,
    resume: bool = False,
    max_seconds: float | None = None,
    max_bars: int | None = None,
    config: dict[str, Any] | None = None,
    gan: dict[str, Any] | None = None,
    batch_size: int = BATCH_SIZE,
    show_progress: bool | None = None,
    snapshot_every: int = 0,
    checkpoint_every: int = 50,
    device: str | torch.device | None = "cpu",
) -> dict[str, Any]:
    """Train a MuseGAN model on ``corpus``'s train split; returns the checkpoint dict (also saved
    to ``out`` every ``checkpoint_every`` steps, with the optimiser state so ``resume`` can continue).

    Args:
        model: ``musegan-jamming``, ``musegan-composer`` or ``musegan-hybrid``.
        corpus: ``bach``, ``jazz`` or a folder of 4/4 songs sharing one track layout.
        steps: generator steps in total (default :data:`DEFAULT_STEPS`), each after 5 critic steps.
        seed: seeds initialisation, batches and latents.
        out: checkpoint file; with ``resume`` and an existing file training continues from it.
        max_seconds: also stop after this much wall time.
        max_bars: train on only the first ``max_bars`` bars of the split (the data-size curve).
        config: overrides of :class:`MuseGANConfig` (e.g. ``{"binarize": "hard"}``).
        gan: overrides of :class:`GANConfig` (e.g. ``{"loss": "gan", "n_critic": 1}``).
        batch_size: phrases per batch.
        show_progress: draw a tqdm bar (None: when the output is a terminal or notebook).
        snapshot_every: keep a snapshot of 4 fixed latents' output every this many steps, in the
            returned checkpoint's ``train["snapshots"]`` (step, bool roll) -- for the notebook.
        checkpoint_every: save to ``out`` every this many steps.
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"mps"`` (:func:`companion.device.resolve_device`);
            recorded as ``train["device"]``. Batches and latents are still drawn on the CPU.
    """
    device = resolve_device(device)
    steps = DEFAULT_STEPS if steps is None else int(steps)
    if steps < 1:
        raise PipelineError(f"steps must be >= 1, not {steps}")
    out = Path(out) if out is not None else None
    previous = resumable(out, resume=resume, model=model, corpus=corpus.name)
    if previous is not None:
        config = previous["config"]["model"]
        gan = previous["config"]["gan"]
        batch_size = previous["config"]["batch_size"]
        max_bars = previous["train"].get("max_bars")
    seed_everything(seed)
    phrases = Phrases(corpus.train, max_bars=max_bars)
    if previous is not None:
        net_config = MuseGANConfig(**config)
    else:
        net_config = model_config(model, len(phrases.tracks), **(config or {}))
    gan_settings = dict(gan or {})
    if "betas" in gan_settings:
        gan_settings["betas"] = tuple(gan_settings["betas"])
    gan_config = GANConfig(**gan_settings)
    generator, critic = build(net_config)
    if previous is None:
        generator.init_prior(phrases.pitch_frequency())
    batches = RandomBatches(phrases.sample, batch_size, seed=seed + 1)

    def sample_latent(n: int, rng: torch.Generator) -> torch.Tensor:
        return torch.randn((n, *net_config.latent_shape), generator=rng)

    trainer = GANTrainer(generator, critic, sample_latent, batches, gan_config, seed=seed, device=device)
    if previous is not None:
        trainer.load_state(previous)
    info = {
        "corpus": corpus.name,
        "source": corpus.source,
        "seed": seed,
        "budget_steps": steps,
        "max_seconds": max_seconds,
        "max_bars": max_bars,
        "train_bars": phrases.bars,
        "train_phrases": len(phrases.starts),
        "skipped_songs": len(phrases.skipped),
        **({"skipped": phrases.skipped} if phrases.skipped else {}),
        "dropped_notes": phrases.dropped_notes,
        "parameters": {"generator": count_parameters(generator), "critic": count_parameters(critic)},
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
    }
    base = {
        "format": FORMAT,
        "model": model,
        "config": {"model": net_config.to_dict(), "gan": gan_config.to_dict(), "batch_size": batch_size},
        "codec": codec_info(phrases),
    }
    latest: dict[str, Any] = {}

    def on_checkpoint(t: GANTrainer) -> None:
        saved = t.state()
        latest["checkpoint"] = to_cpu(
            {**base, "state": saved["state"], "train": {**info, **saved["train"]}, "optimizer": saved["optimizer"]}
        )
        if out is not None:
            save_checkpoint(out, latest["checkpoint"])

    snapshot_latent = sample_latent(4, torch.Generator().manual_seed(seed + 2)) if snapshot_every else None
    trainer.fit(
        Budget(steps, max_seconds),
        show_progress=show_progress,
        desc=f"{model} {corpus.name}",
        snapshot_every=snapshot_every,
        snapshot_latent=snapshot_latent,
        checkpoint_every=checkpoint_every,
        on_checkpoint=on_checkpoint,
    )
    checkpoint = latest["checkpoint"]
    if snapshot_every:
        checkpoint["train"]["snapshots"] = [(step, sample > 0.5) for step, sample in trainer.snapshots]
    return checkpoint


# ---------------------------------------------------------------------- generate
def load_generator(checkpoint: dict[str, Any], device: str | torch.device | None = "cpu") -> MuseGANGenerator:
    """The generator of a checkpoint, in evaluation mode, on ``device``."""
    if checkpoint.get("model") not in MODELS:
        raise PipelineError(f"not a MuseGAN checkpoint: model {checkpoint.get('model')!r}")
    generator = MuseGANGenerator(MuseGANConfig(**checkpoint["config"]["model"]))
    weights = {k[10:]: v for k, v in checkpoint["state"].items() if k.startswith("generator.")}
    generator.load_state_dict(weights)
    return generator.to(resolve_device(device)).eval()


def sample_latents(
    config: MuseGANConfig, phrases: int, generator: torch.Generator, temperature: float = 1.0, *, chain: bool = False
) -> torch.Tensor:
    """Latents for ``phrases`` phrases, scaled by ``temperature``. With ``chain`` the phrases are one
    song: they share the time-independent latents (``z``, ``z_i``) and differ in the temporal ones."""
    latent = torch.randn((phrases, *config.latent_shape), generator=generator) * temperature
    if chain and phrases > 1:
        static = [0] * config.shared + [2 * config.shared + i for i in range(config.tracks)] * config.private
        latent[:, static] = latent[:1, static]
    return latent


def rolls(
    checkpoint: dict[str, Any],
    phrases: int,
    *,
    seed: int = 0,
    temperature: float = 1.0,
    sampling: str | None = None,
    chain: bool = False,
    batch: int = 100,
    device: str | torch.device | None = "cpu",
) -> np.ndarray:
    """Binary rolls of ``phrases`` generated phrases: bool (phrases, tracks, 4, 48, 84).

    Args:
        sampling: ``"hysteresis"`` (the checkpoint's decoding rule, the default), ``"hard"``
            (threshold 0.5, the paper) or ``"bernoulli"`` (sample each cell).
        chain: share the time-independent latents across the phrases (one long song).
        device: where the generator runs (the latents are drawn on the CPU from the seed).
    """
    decoding = checkpoint["codec"].get("decoding", DECODING)
    sampling = sampling or decoding["method"]
    generator = load_generator(checkpoint, device)
    place = next(generator.parameters()).device
    rng = torch.Generator().manual_seed(seed)
    latent = sample_latents(generator.config, phrases, rng, temperature, chain=chain)
    out = [generator.sample(latent[i : i + batch].to(place), sampling, rng, decoding["hold"]).cpu()
           for i in range(0, phrases, batch)]  # fmt: skip
    return torch.cat(out).numpy()


def decode(checkpoint: dict[str, Any], roll: np.ndarray, title: str = "") -> Song:
    """A Song from a binary roll (tracks, bars, 48, 84) or (tracks, steps, 84), at the checkpoint's
    tempo and 480 ticks per beat; each run of active steps of a pitch becomes one note."""
    codec = checkpoint["codec"]
    active = np.asarray(roll, dtype=bool)
    active = active.reshape(active.shape[0], -1, active.shape[-1])
    tracks = [Track(t["name"], t["program"], t["is_drum"]) for t in codec["tracks"]]
    velocities = np.zeros(active.shape, dtype=np.uint8)
    velocities[:] = np.array([t["velocity"] for t in codec["tracks"]], dtype=np.uint8)[:, None, None]
    numerator, denominator = codec["time_signature"]
    grid = pianoroll.Roll(
        active=active,
        onsets=None,
        velocities=velocities,
        steps_per_beat=codec["steps_per_beat"],
        lowest_pitch=codec["lowest_pitch"],
        tracks=tracks,
        tempos=[Tempo(0, float(codec["bpm"]))],
        time_signatures=[TimeSignature(0, numerator, denominator)],
    )
    return pianoroll.decode(grid, resolution=codec["resolution"], title=title)


def generate(
    checkpoint: dict[str, Any],
    *,
    bars: int = 8,
    seed: int = 0,
    temperature: float = 1.0,
    sampling: str | None = None,
    chain: bool = True,
    device: str | torch.device | None = "cpu",
) -> Song:
    """One song of ``bars`` bars (4-bar phrases end to end); the same seed gives the same MIDI bytes.

    Args:
        temperature: scales the latent vectors (below 1: closer to the generator's average output).
        sampling: how the roll is read from the probabilities (see :func:`rolls`; default the
            checkpoint's decoding rule).
        chain: the phrases share their time-independent latents (False: independent phrases).
    """
    if bars < 1:
        raise PipelineError(f"bars must be >= 1, not {bars}")
    phrases = math.ceil(bars / BARS)
    roll = rolls(checkpoint, phrases, seed=seed, temperature=temperature, sampling=sampling, chain=chain,
                 device=device)  # fmt: skip
    roll = roll.transpose(1, 0, 2, 3, 4).reshape(roll.shape[1], phrases * BARS, STEPS_PER_BAR, PITCHES)[:, :bars]
    title = f"{checkpoint['model']} {checkpoint['train'].get('corpus', '')} seed {seed}"
    return decode(checkpoint, roll, title)


def generate_phrases(
    checkpoint: dict[str, Any],
    count: int,
    *,
    seed: int = 0,
    temperature: float = 1.0,
    sampling: str | None = None,
    device: str | torch.device | None = "cpu",
) -> list[Song]:
    """``count`` independent 4-bar phrases as songs (what ``evaluate`` measures)."""
    name = f"{checkpoint['model']} {checkpoint['train'].get('corpus', '')} seed {seed}"
    batch = rolls(checkpoint, count, seed=seed, temperature=temperature, sampling=sampling, device=device)
    return [decode(checkpoint, r, f"{name} #{i}") for i, r in enumerate(batch)]


def to_multitrack(song: Song, checkpoint: dict[str, Any] | None = None):
    """A ``pypianoroll.Multitrack`` of a generated song at the checkpoint's grid, with its tempo
    (resolution and tempo carried, so pypianoroll needs no ``fs``)."""
    from ..interop import to_multitrack as convert

    steps = checkpoint["codec"]["steps_per_beat"] if checkpoint else STEPS_PER_BEAT
    return convert(song, steps)


# ---------------------------------------------------------------------- evaluate
def real_phrases(songs: list[Song], keep_chords: bool = False) -> list[Song]:
    """The songs in 4/4 cut into consecutive 4-bar phrases (notes as written, cut at the phrase ends),
    the unit the models generate; chord labels dropped unless ``keep_chords``."""
    out = []
    for song in songs:
        if {(ts.numerator, ts.denominator) for ts in song.time_signatures} != {(4, 4)}:
            continue  # the models learn 4/4 only (Phrases skips the rest too)
        length = BARS * song.ticks_per_bar
        for start in range(0, song.num_bars - BARS + 1, BARS):
            phrase = song.crop(start * song.ticks_per_bar, start * song.ticks_per_bar + length)
            if not keep_chords:
                phrase.chords = []
            phrase.title = f"{song.title} bars {start + 1}-{start + BARS}"
            out.append(phrase)
    return out


def paper_table() -> dict[str, Any]:
    """:data:`PAPER_TABLE1` with the per-track means (``EB_mean`` etc.) the tables compare against."""
    out = dict(PAPER_TABLE1)
    for metric in ("EB", "UPC", "QN"):
        out[f"{metric}_mean"] = {k: round(sum(v.values()) / len(v), 4) for k, v in PAPER_TABLE1[metric].items()}
    return out


RULES = {
    "hysteresis": "on above {on}, held while above {hold}",
    "hard": "on above 0.5",
    "bernoulli": "each cell drawn with its probability",
}
"""How each ``sampling`` reads a roll from the probabilities (for ``evaluate``'s ``decoding``)."""

TABLE_ROWS = (
    ("EB_mean", "EB (% empty bars)"),
    ("UPC_mean", "UPC (pitch classes per bar)"),
    ("QN_mean", "QN (% notes >= 3 steps)"),
    ("DP", "DP (% drum onsets on 8th/16th grid)"),
    ("TD_mean", "TD (tonal distance)"),
    ("chord_tone_rate", "chord-tone rate (recognised)"),
    ("register_adherence_mean", "register adherence"),
    ("diversity", "diversity"),
    ("copy_rate", "copy rate (4-bar windows)"),
)


def evaluate(
    checkpoint: dict[str, Any],
    corpus: Corpus,
    *,
    split: str = "test",
    seed: int = 0,
    bars: int = EVALUATION_BARS,
    sampling: str | None = None,
    device: str | torch.device | None = "cpu",
) -> dict[str, Any]:
    """The shared metrics of ``bars`` generated bars (independent 4-bar phrases) next to the same
    metrics of the real ``split`` cut into 4-bar phrases, plus the paper's Table-1 figures.

    The generated phrases are read with ``sampling`` (default: the checkpoint's decoding rule) and,
    for comparison, with the paper's plain 0.5 threshold (``generated_threshold``; same latents).

    Returns:
        ``table`` (metric -> real / generated / paper values: what the CLI prints first), then
        ``generated``, ``generated_threshold`` and ``real`` (:func:`companion.metrics.corpus_metrics`,
        copy rate against the train split), ``real_chord_tone_rate_ground_truth`` where the corpus
        has chord labels, the settings (``qn_min_steps``, ``sampling``, ``decoding``) and ``paper``.
    """
    from .. import metrics

    if split not in corpus.splits:
        raise PipelineError(f"corpus {corpus.name} has no split {split!r}")
    started = time.perf_counter()
    registers = registers_for(corpus.name)
    decoding = dict(checkpoint["codec"].get("decoding", DECODING))
    sampling = sampling or decoding["method"]
    generated = generate_phrases(checkpoint, math.ceil(bars / BARS), seed=seed, sampling=sampling, device=device)
    thresholded = generate_phrases(checkpoint, math.ceil(bars / BARS), seed=seed, sampling="hard", device=device)
    real = real_phrases(corpus.splits[split])
    training = corpus.train
    gen_row = metrics.corpus_metrics(generated, registers=registers, training=training)
    threshold_row = metrics.corpus_metrics(thresholded, registers=registers)
    real_row = metrics.corpus_metrics(real, registers=registers, training=training)
    paper = paper_table()
    table: dict[str, dict[str, Any]] = {}
    for key, label in TABLE_ROWS:
        row = {"real": real_row.get(key), "generated": gen_row.get(key)}
        metric = key.removesuffix("_mean")
        if key.endswith("_mean") and metric in PAPER_TABLE1:
            row.update({f"paper {k}": v for k, v in paper[f"{metric}_mean"].items()})
        table[label] = row
    table["QN, plain 0.5 threshold (the paper's decoding)"] = {
        "real": real_row["QN_mean"],
        "generated": threshold_row["QN_mean"],
        **{f"paper {k}": v for k, v in paper["QN_mean"].items()},
    }
    table["notes per bar (rule / plain threshold)"] = {
        "real": round(real_row["notes"] / real_row["bars"], 2),
        "generated": round(gen_row["notes"] / gen_row["bars"], 2),
        "generated, plain threshold": round(threshold_row["notes"] / threshold_row["bars"], 2),
    }
    result: dict[str, Any] = {
        "table": table,
        "model": checkpoint["model"],
        "corpus": corpus.name,
        "split": split,
        "trained_on": checkpoint["train"].get("corpus"),
        "train_steps": checkpoint["train"].get("steps"),
        "binarize_in_training": checkpoint["config"]["model"]["binarize"],
        "sampling": sampling,
        "decoding": f"{sampling}: {RULES[sampling].format(**decoding)}; then each run of active steps of a pitch is "
        "one note (the rule never removes or shortens a note)",
        "qn_min_steps": metrics.QN_MIN_STEPS,
        "generated_bars": len(generated) * BARS,
        "real_bars": len(real) * BARS,
        "generated": gen_row,
        "generated_threshold": threshold_row,
        "real": real_row,
        "paper": paper,
    }
    if all(s.chords for s in corpus.splits[split]):
        labelled = real_phrases(corpus.splits[split], keep_chords=True)
        result["real_chord_tone_rate_ground_truth"] = metrics.corpus_metrics(labelled)["chord_tone_rate"]
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


# ---------------------------------------------------------------------- shipping
SHIPPED_METRICS = ("table", "generated", "generated_threshold", "real", "qn_min_steps", "sampling",
                   "binarize_in_training", "decoding")  # fmt: skip
"""The parts of :func:`evaluate` a shipped checkpoint's manifest keeps."""


def ship(path: str | Path, command: str, corpus: Corpus) -> Path:
    """Turn a trained checkpoint into a shipped one (:func:`companion.checkpoint.ship`), its manifest
    holding :data:`SHIPPED_METRICS` of :func:`evaluate` on ``corpus``. Returns the manifest's path."""
    from ..checkpoint import ship as ship_checkpoint

    return ship_checkpoint(path, command=command, evaluate=lambda c: evaluate(c, corpus), keep=SHIPPED_METRICS)
