"""MuseGAN's building blocks on tensors: grouped dense layers (one network per track as one matrix
product), channel norm, the temporal generator, the bar generator and the bar critic.

Every layer takes ``groups``: with groups=k it is k independent layers side by side (a block-diagonal
weight), one per track -- the jamming and hybrid models' "one generator (critic) per track" --
computed in one matrix product instead of k. Tensors are kept channels-last, and each convolution of
the paper whose kernel equals its stride (all of them here) is written as what it is: a reshape that
gathers a patch into the channels, then a dense layer. On a CPU that is several times faster than
torch's (transposed, grouped) convolutions of the same shapes.

Used by notebook 02_musegan (through :mod:`companion.models.musegan`).
"""

from __future__ import annotations

import torch
from torch import nn

BEATS = 4
"""Beats per bar the bar generator lays out (4/4)."""


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
