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
turn them into songs. Used by notebook 02_musegan (and the benchmarks).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

MODES = ("jamming", "composer", "hybrid")
SAMPLING = ("hard", "hysteresis", "bernoulli")
BINARIZE = ("hard", "straight-through", "bernoulli")
BEATS = 4
"""Beats per bar the bar generator lays out (4/4)."""


# ----------------------------------------------------------------------------- binarisation
def hard_threshold(probabilities: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Cells above ``threshold`` on, others off (no gradient): the paper's test-time binarisation."""
    return (probabilities > threshold).to(probabilities.dtype)


def hysteresis_threshold(probabilities: torch.Tensor, on: float = 0.5, hold: float = 0.4) -> torch.Tensor:
    """Two thresholds along time (the second-last axis): a cell is on where the probability exceeds
    ``on``, and a note, once on, is held through neighbouring steps whose probability stays above
    ``hold`` (hysteresis thresholding, as in Canny's edge detector or note tracking). It only ever
    adds cells next to a note the hard threshold already has: a decoding rule that joins a note the
    network "almost" held, never one that removes notes.

    Args:
        probabilities: (..., time, pitches) in [0, 1].
        on, hold: the two thresholds, ``hold <= on``.

    Returns:
        A bool tensor of the same shape.
    """
    p = probabilities.transpose(-1, -2)  # (..., pitches, time)
    candidate, seed = p > hold, p > on
    rows = candidate.reshape(-1, candidate.shape[-1])
    starts = rows & ~torch.cat([torch.zeros_like(rows[:, :1]), rows[:, :-1]], 1)
    run = torch.cumsum(starts.reshape(-1), 0).view(rows.shape) * rows  # a number per run, 0 outside
    seeded = torch.zeros(int(run.max()) + 1, dtype=torch.bool, device=run.device)
    seeded[run.reshape(-1)[seed.reshape(-1)]] = True
    seeded[0] = False
    return seeded[run].view(p.shape).transpose(-1, -2)


class _PassGradient(torch.autograd.Function):
    """Forward: a given binary tensor; backward: the gradient goes to the probabilities unchanged."""

    @staticmethod
    def forward(ctx, probabilities: torch.Tensor, binary: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return binary

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:  # noqa: D102
        return grad, None


def straight_through(probabilities: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Hard threshold in the forward pass, identity gradient in the backward pass (a deterministic
    binary neuron with the straight-through estimator)."""
    return _PassGradient.apply(probabilities, hard_threshold(probabilities.detach(), threshold))


def bernoulli_straight_through(probabilities: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Each cell on with its probability (a stochastic binary neuron), identity gradient backwards.

    Args:
        probabilities: values in [0, 1].
        generator: the random source (a seeded one makes the sample reproducible).
    """
    return _PassGradient.apply(probabilities, torch.bernoulli(probabilities.detach(), generator=generator))


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


# ----------------------------------------------------------------------------- building blocks
# Every layer takes ``groups``: with groups=k it is k independent layers side by side (a
# block-diagonal weight), one per track -- the jamming and hybrid models' "one generator (critic)
# per track" -- computed in one matrix product instead of k. Tensors are kept channels-last, and
# each convolution of the paper whose kernel equals its stride (all of them here) is written as
# what it is: a reshape that gathers a patch into the channels, then a dense layer. On a CPU that
# is several times faster than torch's (transposed, grouped) convolutions of the same shapes.


class GroupLinear(nn.Module):
    """``groups`` independent dense layers: (..., groups * fan_in) -> (..., groups * fan_out)."""

    def __init__(self, fan_in: int, fan_out: int, groups: int = 1) -> None:
        super().__init__()
        bound = fan_in**-0.5
        self.weight = nn.Parameter(torch.empty(groups, fan_in, fan_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(groups * fan_out).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        g, fan_in, _ = self.weight.shape
        if g == 1:
            return torch.addmm(self.bias, x.reshape(-1, fan_in), self.weight[0]).view(*x.shape[:-1], -1)
        rows = x.reshape(-1, g, fan_in).transpose(0, 1)  # (groups, rows, fan_in): one product per group
        y = torch.bmm(rows, self.weight).transpose(0, 1).reshape(*x.shape[:-1], -1)
        return y + self.bias


class ChannelNorm(nn.BatchNorm1d):
    """Batch normalisation of a channels-last tensor (statistics over every other axis)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.reshape(-1, x.shape[-1])).view(x.shape)


@torch.no_grad()
def _same_children(layer: GroupLinear, parts: int) -> None:
    """Initialise an upsampling layer (one input cell -> ``parts`` output cells) so that every output
    cell starts with the same weights: the untrained layer repeats its input, like a nearest-neighbour
    resize (ICNR, Aitken et al. 2017). Here it means notes start as whole beats and the sub-beat
    rhythm is learnt, instead of every step starting from its own random weights (flicker)."""
    g, fan_in, fan_out = layer.weight.shape
    width = fan_out // parts
    layer.weight.copy_(layer.weight[:, :, :width].repeat(1, 1, parts))
    layer.bias.copy_(layer.bias.view(g, fan_out)[:, :width].repeat(1, parts).view(-1))


def _dense_norm_relu(fan_in: int, fan_out: int, groups: int) -> nn.Sequential:
    return nn.Sequential(GroupLinear(fan_in, fan_out, groups), ChannelNorm(groups * fan_out), nn.ReLU())


class TemporalGenerator(nn.Module):
    """G_temp: one latent vector -> one latent vector per bar (a dense layer to half the bars, then
    a transposed convolution of kernel and stride 2 over bars), so the bars of a phrase are drawn
    jointly. (n, groups * z_dim) -> (n, bars, groups * z_dim)."""

    def __init__(self, z_dim: int, bars: int, hidden: int = 32, groups: int = 1) -> None:
        super().__init__()
        self.groups, self.hidden, self.bars = groups, hidden, bars
        self.dense = _dense_norm_relu(z_dim, hidden * (bars // 2), groups)
        self.up = _dense_norm_relu(hidden, 2 * z_dim, groups)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        n, g = z.shape[0], self.groups
        h = self.dense(z).view(n, g, self.bars // 2, self.hidden).transpose(1, 2).reshape(n, self.bars // 2, -1)
        h = self.up(h).view(n, self.bars // 2, g, 2, -1).transpose(2, 3)  # split each position in two bars
        return h.reshape(n, self.bars, -1)


class BarGenerator(nn.Module):
    """G_bar: a bar's latent -> (out, 48 steps, pitches) logits per group.

    Dense to (4 beats, channels); then each beat is spread over the octaves, split into 3
    (triplets), split into 4 (12 steps per beat), and each octave cell becomes its 12 pitches.
    Input (n * bars, groups * in_dim); output (n, groups * out, bars, 48, 12 * octaves).
    """

    def __init__(
        self, in_dim: int, out: int, octaves: int, channels: int = 64, groups: int = 1, repeat_init: bool = True
    ) -> None:
        super().__init__()
        g, c = groups, channels
        self.groups, self.octaves, self.out, self.c = g, octaves, out, (c, c // 2, c // 4)
        self.beats = _dense_norm_relu(in_dim, BEATS * c, g)  # (beats, c)
        self.octave = _dense_norm_relu(c, octaves * (c // 2), g)  # (octaves, beats, c/2)
        self.triplet = _dense_norm_relu(c // 2, 3 * (c // 2), g)  # (octaves, 12, c/2)
        self.step = _dense_norm_relu(c // 2, 4 * (c // 4), g)  # (octaves, 48, c/4)
        self.pitch = GroupLinear(c // 4, 12 * out, g)  # (octaves, 48, 12 pitches)
        if repeat_init:
            _same_children(self.triplet[0], 3)
            _same_children(self.step[0], 4)

    def forward(self, latent: torch.Tensor, bars: int = 1) -> torch.Tensor:
        """(n * bars, groups * in_dim) -> (n, groups * out, bars, 48, pitches), bar latents of one
        sample consecutive."""
        n, g, o = latent.shape[0], self.groups, self.octaves
        c1, c2, c3 = self.c
        h = self.beats(latent).view(n, g, BEATS, c1).transpose(1, 2).reshape(n, BEATS, g * c1)
        h = self.octave(h).view(n, BEATS, g, o, c2).permute(0, 3, 1, 2, 4).reshape(n, o, BEATS, g * c2)
        h = self.triplet(h).view(n, o, BEATS, g, 3, c2).transpose(3, 4).reshape(n, o, 3 * BEATS, g * c2)
        h = self.step(h).view(n, o, 3 * BEATS, g, 4, c3).transpose(3, 4).reshape(n, o, 12 * BEATS, g * c3)
        h = self.pitch(h).view(n // bars, bars, o, 12 * BEATS, g, 12, self.out)
        return h.permute(0, 4, 6, 1, 3, 2, 5).reshape(n // bars, g * self.out, bars, 12 * BEATS, 12 * o)


class BarCritic(nn.Module):
    """Critic(s) over phrases: (n, groups * tracks_per_group, bars, 48, pitches) -> (n, groups).

    Three streams, joined per bar and beat, then over bars:

    * roll: patches of 3 steps x 12 pitches (a 16th note within one octave), then 4 patches (a
      beat), then the octaves;
    * chroma: the pitch classes of each beat (BinaryMuseGAN's critic has this stream too);
    * rhythm: per step, how many pitches sound and how many start (onsets: a cell on that was off
      the step before, across bar lines too) -- the numbers that give fragmented notes away;
      BinaryMuseGAN's critic has an onset stream for the same reason.

    No normalisation layers (the gradient penalty is per sample).
    """

    def __init__(self, tracks: int, bars: int, octaves: int, channels: int = 16, groups: int = 1) -> None:
        super().__init__()
        g, c, t = groups, channels, tracks // groups
        self.groups, self.tin, self.c, self.octaves = g, t, c, octaves
        act = nn.LeakyReLU(0.2)
        self.patch = nn.Sequential(GroupLinear(36 * t, 2 * c, g), act)  # (bars, 16, octaves, 2c)
        self.beat = nn.Sequential(GroupLinear(8 * c, 2 * c, g), act)  # (bars, 4 beats, octaves, 2c)
        self.octave = nn.Sequential(GroupLinear(2 * c * octaves, 4 * c, g), act)  # (bars, 4, 4c)
        self.chroma = nn.Sequential(GroupLinear(144 * t, c, g), act)  # (bars, 4, c)
        self.rhythm = nn.Sequential(GroupLinear(24 * t, c, g), act)  # (bars, 4, c)
        self.bar = nn.Sequential(GroupLinear(BEATS * 6 * c, 8 * c, g), act)  # (bars, 8c)
        self.pair = nn.Sequential(GroupLinear(16 * c, 8 * c, g), act)  # (bars - 1, 8c)
        self.out = GroupLinear((bars - 1) * 8 * c, 1, g)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, _, b, s, p = x.shape
        g, t, c, o = self.groups, self.tin, self.c, self.octaves
        # rhythm: (n, tracks, bars * steps) counts of sounding and starting pitches
        flat = x.reshape(n, g * t, b * s, p)
        starts = torch.cat([flat[:, :, :1], torch.relu(flat[:, :, 1:] - flat[:, :, :-1])], 2).sum(3)
        counts = torch.stack([flat.sum(3), starts], 3).view(n, g, t, b, BEATS, 12, 2)
        rhythm = counts.permute(0, 3, 4, 1, 2, 5, 6).reshape(n, b, BEATS, g * t * 24)
        rhythm = self.rhythm(rhythm).view(n, b, BEATS, g, c)
        # roll: channels-last once, (n, bars, 16 patches, octaves, groups, tracks, 3 steps, 12 pitches)
        x = x.reshape(n, g, t, b, s // 3, 3, o, 12).permute(0, 3, 4, 6, 1, 2, 5, 7).contiguous()
        h = self.patch(x.view(n, b, s // 3, o, g * t * 36))
        h = h.view(n, b, BEATS, 4, o, g, 2 * c).permute(0, 1, 2, 4, 5, 3, 6).reshape(n, b, BEATS, o, g * 8 * c)
        h = self.beat(h)
        h = h.view(n, b, BEATS, o, g, 2 * c).transpose(3, 4).reshape(n, b, BEATS, g * o * 2 * c)
        roll = self.octave(h).view(n, b, BEATS, g, 4 * c)
        chroma = x.sum(3).view(n, b, BEATS, 4, g, t, 3, 12).permute(0, 1, 2, 4, 3, 5, 6, 7)
        chroma = self.chroma(chroma.reshape(n, b, BEATS, g * 144 * t)).view(n, b, BEATS, g, c)
        # join per group, then a bar at a time, then pairs of neighbouring bars
        h = torch.cat([roll, chroma, rhythm], 4).transpose(2, 3).reshape(n, b, g * BEATS * 6 * c)
        h = self.bar(h).view(n, b, g, 8 * c)
        h = self.pair(torch.cat([h[:, :-1], h[:, 1:]], 3).reshape(n, b - 1, g * 16 * c))
        h = h.view(n, b - 1, g, 8 * c).transpose(1, 2).reshape(n, g * (b - 1) * 8 * c)
        return self.out(h)


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
