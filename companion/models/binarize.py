"""Binarising a generator's cell probabilities into a piano roll: the hard threshold of the MuseGAN paper,
the hysteresis decoding rule, and BinaryMuseGAN's straight-through estimators (deterministic and
Bernoulli) that binarise inside the generator during training while passing gradients through.

Used by notebook 02_musegan (through :mod:`companion.models.musegan`).
"""

from __future__ import annotations

import torch


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
