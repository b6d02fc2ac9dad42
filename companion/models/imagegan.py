"""A DCGAN (Radford et al. 2016) for the image GAN of lesson 03: a generator and a critic on images
``(batch, channels, height, width)`` with values in [0, 1].

The course feeds it MIDI drawn as pictures (:mod:`companion.codecs.image`): ``(3, 96, 64)`` in the
seed's RGB-packed layout, or ``(1, 96, 192)`` in the plain layout; any height and width divisible by
16 work, and the model knows nothing else about music.

* :class:`ImageGenerator`: a dense layer from the latent vector to a small grid of ``g_channels``
  feature maps (height / 16 x width / 16), then four transposed convolutions (kernel 4, stride 2),
  each doubling height and width and halving the channels, with batch normalisation and ReLU; a
  sigmoid at the end gives pixel values in [0, 1] (the "blur" of lesson 03 is the part of them that
  is neither 0 nor 1).
* :class:`ImageCritic`: three convolutions (kernel 4, stride 2, LeakyReLU 0.2), no batch
  normalisation (the WGAN-GP penalty is per sample), then a dense layer to one score per image. It
  serves as a WGAN critic (an unbounded score) and, with the original GAN loss, as a discriminator
  whose score is a logit.

Every layer is a convolution: the same 4x4 (critic) filter slides over every pitch and every time,
with no sense of which horizontal direction is "later", and in the RGB layout three consecutive
time steps sit in the channels of one pixel, so a time shift of one step is not a shift of the
picture. Lesson 03 measures what both do.

Used by notebook 03_image_gan through :mod:`companion.pipelines.imagegan`, and by the benchmarks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

UPSAMPLINGS = 4
"""Transposed convolutions in the generator: height and width must be divisible by 2**4 = 16."""

DOWNSAMPLINGS = 3
"""Strided convolutions in the critic."""


@dataclass(frozen=True)
class ImageGANConfig:
    """Hyper-parameters of the image GAN (plain data, stored in checkpoints as a dict).

    Attributes:
        channels, height, width: the image shape (3, 96, 64 for the RGB layout; 1, 96, 192 plain).
        z_dim: size of the latent vector.
        g_channels: feature maps of the generator's first grid (halved at each upsampling).
        d_channels: feature maps of the critic's first convolution (doubled at each one after).
    """

    channels: int = 3
    height: int = 96
    width: int = 64
    z_dim: int = 64
    g_channels: int = 96
    d_channels: int = 32

    def __post_init__(self) -> None:
        factor = 2**UPSAMPLINGS
        if self.height % factor or self.width % factor or min(self.height, self.width) < factor:
            raise ValueError(f"image {self.height}x{self.width}: height and width must be multiples of {factor}")
        if self.g_channels < 2 ** (UPSAMPLINGS - 1) or min(self.channels, self.z_dim, self.d_channels) < 1:
            raise ValueError(f"channels, z_dim, g_channels ({self.g_channels} >= 8) and d_channels must be positive")

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.channels, self.height, self.width)

    def to_dict(self) -> dict:
        return asdict(self)


class ImageGenerator(nn.Module):
    """Latent ``(batch, z_dim)`` -> image ``(batch, channels, height, width)`` in [0, 1]."""

    def __init__(self, config: ImageGANConfig) -> None:
        super().__init__()
        self.config = config
        h0, w0 = config.height // 2**UPSAMPLINGS, config.width // 2**UPSAMPLINGS
        self.grid = (config.g_channels, h0, w0)
        self.project = nn.Sequential(
            nn.Linear(config.z_dim, config.g_channels * h0 * w0, bias=False),
            nn.BatchNorm1d(config.g_channels * h0 * w0),
            nn.ReLU(),
        )
        layers: list[nn.Module] = []
        channels = config.g_channels
        for i in range(UPSAMPLINGS):
            last = i == UPSAMPLINGS - 1
            out = config.channels if last else channels // 2
            layers.append(nn.ConvTranspose2d(channels, out, kernel_size=4, stride=2, padding=1, bias=last))
            layers.append(nn.Sigmoid() if last else nn.Sequential(nn.BatchNorm2d(out), nn.ReLU()))
            channels = out
        self.body = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(self.project(z).view(-1, *self.grid))

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` standard normal latent vectors (seeded by ``generator``)."""
        return torch.randn(n, self.config.z_dim, generator=generator)


class ImageCritic(nn.Module):
    """Image ``(batch, channels, height, width)`` -> one score per image ``(batch,)``."""

    def __init__(self, config: ImageGANConfig) -> None:
        super().__init__()
        self.config = config
        layers: list[nn.Module] = []
        channels, out = config.channels, config.d_channels
        for _ in range(DOWNSAMPLINGS):
            layers += [nn.Conv2d(channels, out, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            channels, out = out, out * 2
        self.body = nn.Sequential(*layers)
        cells = (config.height // 2**DOWNSAMPLINGS) * (config.width // 2**DOWNSAMPLINGS)
        self.score = nn.Linear(channels * cells, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.score(self.body(x).flatten(1)).squeeze(1)


def build(config: ImageGANConfig | dict) -> tuple[ImageGenerator, ImageCritic]:
    """A generator and a critic for ``config`` (a config or its dict)."""
    if isinstance(config, dict):
        config = ImageGANConfig(**config)
    return ImageGenerator(config), ImageCritic(config)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
