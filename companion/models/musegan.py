"""MuseGAN's three multi-track models (Dong et al., AAAI 2018) on tensors, plus the binarisation of
their output (hard threshold as in the paper, straight-through and Bernoulli as in BinaryMuseGAN).

A sample is a tensor ``(batch, tracks, bars, steps, pitches)``; the course uses 4 bars of 48 steps
(12 per beat, 4/4) over 84 pitches (MIDI 24..107), the paper's shape. The three models are
configurations of the same building blocks, differing where the paper says they differ:

==========  ==============================================  ==================================
model       latents fed to each bar generator               generators / critics
==========  ==============================================  ==================================
jamming     private ``z_i`` + private temporal ``z_i,t``    one per track / one per track
composer    shared ``z`` + shared temporal ``z_t``          one for all tracks / one
hybrid      ``z``, ``z_t``, ``z_i`` and ``z_i,t``           one per track / one
==========  ==============================================  ==================================

The *temporal generator* (:class:`TemporalGenerator`) turns one latent vector into one latent vector
per bar (the paper's G_temp), so the 4 bars of a phrase are generated together and can form a
progression; time-independent latents are repeated for every bar. The *bar generator*
(:class:`BarGenerator`) turns a bar's latent into (steps, pitches) logits per output track: a dense
layer to 4 beats, then layers that spread each beat over the octaves, split it into 3 (triplets) and 4
(12 steps per beat), and turn each octave into its 12 pitches -- the paper's transposed convolutions
whose kernel equals their stride, written as reshapes and dense layers. A per-track, per-pitch output
bias starts at the data's pitch frequencies (:meth:`MuseGANGenerator.init_prior`), and the two
time-splitting layers start as repeats of their input (``repeat_init``, ICNR). The *critic*
(:class:`BarCritic`) reads the roll in patches of 3 steps x 12 pitches, plus a chroma stream and a
rhythm stream (sounding and starting notes per step) as BinaryMuseGAN's critic does, so fragmented
notes are visible to it. "One network per track" (jamming and hybrid generators, jamming critics)
is computed as grouped layers: independent weights per track, one matrix product.

Binarisation: the generator ends in a sigmoid, so it outputs the probability of each cell being
on. :func:`hard_threshold` makes that a roll at test time (the paper's choice; the critic only ever
saw probabilities). :func:`straight_through` and :func:`bernoulli_straight_through` binarise inside
the generator during training as well, passing gradients straight through the step, so the critic
judges the same binary rolls the listener hears (BinaryMuseGAN, Dong & Yang 2018).
:func:`hysteresis_threshold` is a decoding rule: on above 0.5, held while above 0.4.

Models know tensors only; the piano-roll codec and the pipeline (:mod:`companion.pipelines.musegan`)
turn them into songs. The binarisation is in :mod:`companion.models.binarize` and the building blocks in
:mod:`companion.models.musegan_layers`, both re-exported here. Used by notebook 02_musegan (and the benchmarks).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from .binarize import (  # noqa: F401  (re-exported: the names this module always had)
    _PassGradient,
    bernoulli_straight_through,
    hard_threshold,
    hysteresis_threshold,
    straight_through,
)
from .musegan_layers import (  # noqa: F401
    BEATS,
    BarCritic,
    BarGenerator,
    ChannelNorm,
    GroupLinear,
    TemporalGenerator,
    _dense_norm_relu,
    _same_children,
)

MODES = ("jamming", "composer", "hybrid")
SAMPLING = ("hard", "hysteresis", "bernoulli")
BINARIZE = ("hard", "straight-through", "bernoulli")


# ----------------------------------------------------------------------------- configuration
@dataclass(frozen=True)
class MuseGANConfig:
    """Hyper-parameters of one MuseGAN model (plain data: stored in checkpoints as a dict).

    Attributes:
        mode: ``"jamming"``, ``"composer"`` or ``"hybrid"``.
        tracks: number of tracks (4 for Bach S/A/T/B, 5 for the jazz quintet).
        bars, steps_per_bar, pitches: the phrase shape (4, 48, 84 as the paper).
        z_dim: size of each latent vector (the paper: 32 for each of the four kinds).
        g_channels: width of the bar generator (channels after its dense layer; halves per layer).
        d_channels: width of the critic's first layer (doubles per layer).
        binarize: what the generator hands the critic while training: ``"hard"`` (probabilities;
            threshold only at test time, as the paper), ``"straight-through"`` or ``"bernoulli"``.
        repeat_init: start the bar generator's time-upsampling layers as repeats of their input
            (:func:`_same_children`); False gives every step its own random start weights.
    """

    mode: str = "hybrid"
    tracks: int = 5
    bars: int = 4
    steps_per_bar: int = 48
    pitches: int = 84
    z_dim: int = 32
    g_channels: int = 64
    d_channels: int = 16
    binarize: str = "hard"
    repeat_init: bool = True

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r}: choose one of {', '.join(MODES)}")
        if self.binarize not in BINARIZE:
            raise ValueError(f"binarize {self.binarize!r}: choose one of {', '.join(BINARIZE)}")
        if self.steps_per_bar != BEATS * 12 or self.pitches % 12 or self.bars % 2:
            raise ValueError("the MuseGAN blocks need 48 steps per bar, whole octaves of pitches and an even bar count")

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def shared(self) -> bool:
        """Whether the model has the shared (inter-track) latents ``z`` and ``z_t``."""
        return self.mode in ("composer", "hybrid")

    @property
    def private(self) -> bool:
        """Whether the model has the private (per-track) latents ``z_i`` and ``z_i,t``."""
        return self.mode in ("jamming", "hybrid")

    @property
    def latent_vectors(self) -> int:
        """How many ``z_dim`` vectors one sample draws: 2 shared and/or 2 per track."""
        return 2 * self.shared + 2 * self.tracks * self.private

    @property
    def latent_shape(self) -> tuple[int, int]:
        return (self.latent_vectors, self.z_dim)


# ----------------------------------------------------------------------------- the models
class MuseGANGenerator(nn.Module):
    """The generator of one of the three models: ``latent (batch, latent_vectors, z_dim)`` ->
    ``(batch, tracks, bars, steps, pitches)``.

    In training mode it binarises as ``config.binarize`` says (probabilities for ``"hard"``); in
    evaluation mode it returns probabilities, and :meth:`sample` binarises them.
    """

    def __init__(self, config: MuseGANConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        kinds = 2 * c.shared + 2 * c.private  # latent kinds reaching one bar generator
        if c.shared:
            self.shared_temporal = TemporalGenerator(c.z_dim, c.bars)
        if c.private:
            self.private_temporal = TemporalGenerator(c.z_dim, c.bars, groups=c.tracks)
        groups, out = (1, c.tracks) if c.mode == "composer" else (c.tracks, 1)
        self.bar = BarGenerator(kinds * c.z_dim, out, c.pitches // 12, c.g_channels, groups, c.repeat_init)
        self.prior = nn.Parameter(torch.zeros(c.tracks, c.pitches))

    @torch.no_grad()
    def init_prior(self, frequency: torch.Tensor, floor: float = 1e-3) -> None:
        """Start the per-track, per-pitch output bias at the logit of how often each pitch sounds in
        the training data (tracks, pitches), so the untrained generator is as sparse as music and
        in the right registers, instead of switching on half of all cells."""
        p = frequency.to(self.prior).clamp(floor, 0.5)
        self.prior.copy_(torch.log(p) - torch.log1p(-p))

    def bar_latents(self, latent: torch.Tensor) -> torch.Tensor:
        """The input of the bar generator(s): (batch, bars, groups * kinds * z_dim), each group's
        latents together (shared static, shared temporal, private static, private temporal)."""
        c = self.config
        n, bars, k = latent.shape[0], c.bars, c.z_dim
        parts = []  # each (n, groups or 1, kind, bars, z_dim)
        if c.shared:
            static = latent[:, 0, None, :].expand(n, bars, k)
            temporal = self.shared_temporal(latent[:, 1])
            parts += [static[:, None, None], temporal[:, None, None]]
        if c.private:
            o = 2 * c.shared
            static = latent[:, o : o + c.tracks, None, :].expand(n, c.tracks, bars, k)
            temporal = self.private_temporal(latent[:, o + c.tracks :].reshape(n, -1))
            temporal = temporal.view(n, bars, c.tracks, k).transpose(1, 2)
            parts += [static[:, :, None], temporal[:, :, None]]
            parts = [z.expand(n, c.tracks, 1, bars, k) for z in parts]
        joined = torch.cat(parts, 2)  # (n, groups, kinds, bars, z_dim)
        return joined.permute(0, 3, 1, 2, 4).reshape(n, bars, -1)

    def probabilities(self, latent: torch.Tensor) -> torch.Tensor:
        """Cell probabilities (batch, tracks, bars, steps, pitches) in [0, 1]."""
        c = self.config
        n = latent.shape[0]
        logits = self.bar(self.bar_latents(latent).reshape(n * c.bars, -1), c.bars)
        return torch.sigmoid(logits + self.prior[None, :, None, None, :])

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        p = self.probabilities(latent)
        if not self.training or self.config.binarize == "hard":
            return p
        if self.config.binarize == "straight-through":
            return straight_through(p)
        return bernoulli_straight_through(p)

    @torch.no_grad()
    def sample(
        self, latent: torch.Tensor, method: str = "hard", generator: torch.Generator | None = None, hold: float = 0.4
    ) -> torch.Tensor:
        """A binary sample (bool tensor) from ``latent`` in evaluation mode.

        Args:
            latent: (batch, latent_vectors, z_dim).
            method: ``"hard"`` (threshold 0.5), ``"hysteresis"`` (:func:`hysteresis_threshold`, time
                running across the bar lines) or ``"bernoulli"`` (each cell on with its probability).
            generator: random source of the Bernoulli draws.
            hold: the hysteresis's lower threshold.
        """
        was_training = self.training
        self.eval()
        try:
            p = self.probabilities(latent)
        finally:
            self.train(was_training)
        if method == "hard":
            return p > 0.5
        if method == "hysteresis":
            n, t, b, s, q = p.shape
            return hysteresis_threshold(p.reshape(n, t, b * s, q), 0.5, hold).view(p.shape)
        if method == "bernoulli":
            if generator is not None and generator.device != p.device:  # a CPU torch.Generator draws on the CPU
                return torch.bernoulli(p.cpu(), generator=generator).bool().to(p.device)
            return torch.bernoulli(p, generator=generator).bool()
        raise ValueError(f"method {method!r}: choose hard, hysteresis or bernoulli")


class MuseGANCritic(nn.Module):
    """The critic of one of the three models: one over all tracks (composer, hybrid; returns
    ``(batch,)``) or one per track (jamming; returns ``(batch, tracks)``, one column per critic, each
    trained with its own gradient penalty by :mod:`companion.train.gan`)."""

    def __init__(self, config: MuseGANConfig) -> None:
        super().__init__()
        self.config = config
        c = config
        groups = c.tracks if c.mode == "jamming" else 1
        self.net = BarCritic(c.tracks, c.bars, c.pitches // 12, c.d_channels, groups=groups)
        # jamming: column i of the scores reads only track i (one backward pass gives every
        # critic's gradient penalty; see companion.train.gan.gradient_penalty)
        self.column_inputs_dim = 1 if c.mode == "jamming" else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = self.net(x)
        return scores if self.config.mode == "jamming" else scores.squeeze(1)


def build(config: MuseGANConfig | dict) -> tuple[MuseGANGenerator, MuseGANCritic]:
    """Generator and critic of a configuration (a :class:`MuseGANConfig` or its dict)."""
    if isinstance(config, dict):
        config = MuseGANConfig(**config)
    return MuseGANGenerator(config), MuseGANCritic(config)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
