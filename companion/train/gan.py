"""The GAN trainer shared by both GAN lessons: WGAN-GP (Gulrajani et al. 2017) as MuseGAN trains, or
the original GAN loss (Goodfellow et al. 2014, non-saturating generator loss) for comparison.

It sees only what any GAN has -- a generator module, a critic module, a latent sampler and an
iterator of real batches -- so lesson 02 (MuseGAN rolls) and lesson 03 (images) use it unchanged::

    trainer = GANTrainer(generator, critic, sample_latent, batches, GANConfig(), seed=0)
    trainer.fit(Budget(steps=1000, max_seconds=300), snapshot_every=100, snapshot_latent=z)
    trainer.history["d_loss"], trainer.snapshots       # losses per step, generator samples

* One *step* is one generator update after ``n_critic`` critic updates, each on a fresh real batch
  (MuseGAN's repository: n_critic 5, gradient penalty 10, Adam lr 1e-3, betas (0.5, 0.9)).
* The critic returns a score per sample, ``(batch,)``, or ``(batch, k)`` for ``k`` critics at once
  (MuseGAN's jamming model: one per track); each column gets its own loss and gradient penalty.
* ``sample_latent(batch_size, generator)`` draws latents from the trainer's seeded
  ``torch.Generator``; ``batches`` yields real tensors; if it has ``state_dict``/``load_state_dict``
  (like :class:`RandomBatches`) its position is saved too, so a resumed run continues exactly.
* History per step: ``d_loss`` and ``g_loss`` (the losses minimised), ``wasserstein`` (critic's
  mean real minus mean fake score: WGAN's distance estimate; for the GAN loss the same difference of
  logits) and ``gp`` (the penalty, 0 for the GAN loss).
* :meth:`GANTrainer.state` / :meth:`GANTrainer.load_state` hold everything needed to resume
  (tensors and plain data only, for :mod:`companion.checkpoint`).

Used by notebooks 02_musegan and 03_image_gan through their pipelines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from . import Budget, interrupt, progress

LOSSES = ("wgan-gp", "gan")


@dataclass(frozen=True)
class GANConfig:
    """Optimisation settings (plain data).

    Attributes:
        loss: ``"wgan-gp"`` (Wasserstein loss with gradient penalty) or ``"gan"`` (the original
            cross-entropy loss with the non-saturating generator loss).
        n_critic: critic updates per generator update (WGAN-GP: 5; the original GAN: usually 1).
        gp_weight: weight of the gradient penalty (WGAN-GP only).
        lr, betas: Adam's settings, for both networks.
    """

    loss: str = "wgan-gp"
    n_critic: int = 5
    gp_weight: float = 10.0
    lr: float = 1e-3
    betas: tuple[float, float] = (0.5, 0.9)

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss {self.loss!r}: choose one of {', '.join(LOSSES)}")
        if self.n_critic < 1:
            raise ValueError(f"n_critic {self.n_critic}: must be at least 1")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "betas": list(self.betas)}


def _columns(scores: torch.Tensor) -> torch.Tensor:
    """Scores as (batch, k): one column per critic."""
    return scores.unsqueeze(1) if scores.ndim == 1 else scores.reshape(scores.shape[0], -1)


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, epsilon: torch.Tensor) -> torch.Tensor:
    """WGAN-GP's penalty: ``mean over samples of (||grad_x D(x_hat)||_2 - 1)^2`` at
    ``x_hat = epsilon * real + (1 - epsilon) * fake``, summed over the critic's columns (each column
    its own critic with its own gradient).

    A critic whose column ``k`` reads only ``x.select(d, k)`` may say so with an attribute
    ``column_inputs_dim = d``: then one backward pass gives every column's gradient (each on its own
    slice) instead of one pass per column.

    Args:
        critic: returns (batch,) or (batch, k) scores.
        real, fake: batches of the same shape.
        epsilon: (batch,) mixing weights in [0, 1].

    Returns:
        A scalar tensor, differentiable with respect to the critic's parameters.
    """
    shape = (-1,) + (1,) * (real.dim() - 1)
    mixed = (epsilon.view(shape) * real.detach() + (1 - epsilon.view(shape)) * fake.detach()).requires_grad_(True)
    scores = _columns(critic(mixed))
    split = getattr(critic, "column_inputs_dim", None)
    if scores.shape[1] == 1 or split is not None:
        (grad,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
        if scores.shape[1] == 1:
            norms = grad.reshape(grad.shape[0], 1, -1).norm(2, dim=2)
        else:
            norms = grad.movedim(split, 1).reshape(grad.shape[0], scores.shape[1], -1).norm(2, dim=2)
        return ((norms - 1) ** 2).mean(0).sum()
    penalty = mixed.new_zeros(())
    for k in range(scores.shape[1]):
        (grad,) = torch.autograd.grad(scores[:, k].sum(), mixed, create_graph=True)
        norms = grad.reshape(grad.shape[0], -1).norm(2, dim=1)
        penalty = penalty + ((norms - 1) ** 2).mean()
    return penalty


class RandomBatches:
    """An endless iterator of random batches, ``sample(batch_size, generator) -> tensor``, with its
    own seeded ``torch.Generator`` whose state is saved with the trainer (exact resume)."""

    def __init__(self, sample: Callable[[int, torch.Generator], torch.Tensor], batch_size: int, seed: int = 0) -> None:
        self.sample = sample
        self.batch_size = batch_size
        self.generator = torch.Generator().manual_seed(seed)

    def __iter__(self) -> Iterator[torch.Tensor]:
        return self

    def __next__(self) -> torch.Tensor:
        return self.sample(self.batch_size, self.generator)

    def state_dict(self) -> dict[str, Any]:
        return {"generator": self.generator.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.generator.set_state(state["generator"])


class GANTrainer:
    """Adversarial training of ``generator`` against ``critic`` (see the module docstring).

    Args:
        generator: latent -> fake batch (its training-mode output is what the critic judges).
        critic: batch -> scores (batch,) or (batch, k).
        sample_latent: ``(batch_size, torch.Generator) -> latent``.
        batches: an iterator of real batches (moved to ``device`` as they come).
        config: the optimisation settings.
        seed: seeds the trainer's generator (latents and penalty mixing weights; a CPU generator,
            whatever the device, so a seed draws the same numbers everywhere).
        device: where the networks, latents and batches go (None: where the generator already is).
    """

    def __init__(
        self,
        generator: nn.Module,
        critic: nn.Module,
        sample_latent: Callable[[int, torch.Generator], torch.Tensor],
        batches: Iterator[torch.Tensor],
        config: GANConfig | None = None,
        *,
        seed: int = 0,
        device: str | torch.device | None = None,
    ) -> None:
        if device is not None:
            generator.to(device)
            critic.to(device)
        self.device = next(generator.parameters()).device
        self.generator, self.critic = generator, critic
        self.sample_latent, self.batches = sample_latent, batches
        self.config = config or GANConfig()
        c = self.config
        self.g_optimizer = torch.optim.Adam(generator.parameters(), lr=c.lr, betas=c.betas)
        self.d_optimizer = torch.optim.Adam(critic.parameters(), lr=c.lr, betas=c.betas)
        self.rng = torch.Generator().manual_seed(seed)
        self.step = 0
        self.seconds = 0.0
        self.history: dict[str, list[float]] = {"d_loss": [], "g_loss": [], "wasserstein": [], "gp": []}
        self.snapshots: list[tuple[int, torch.Tensor]] = []

    # ------------------------------------------------------------------ one update each
    def critic_step(self, real: torch.Tensor) -> tuple[float, float, float]:
        """One critic update on ``real`` and as many fakes; returns (loss, wasserstein, gp)."""
        c = self.config
        with torch.no_grad():
            fake = self.generator(self.sample_latent(real.shape[0], self.rng).to(self.device))
        real_scores = _columns(self.critic(real))
        fake_scores = _columns(self.critic(fake))
        distance = (real_scores.mean(0) - fake_scores.mean(0)).sum()
        if c.loss == "wgan-gp":
            epsilon = torch.rand(real.shape[0], generator=self.rng).to(real.device)
            gp = gradient_penalty(self.critic, real, fake, epsilon)
            loss = -distance + c.gp_weight * gp
        else:
            gp = real.new_zeros(())
            loss = (F.softplus(-real_scores).mean(0) + F.softplus(fake_scores).mean(0)).sum()
        self.d_optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.d_optimizer.step()
        return loss.item(), distance.item(), gp.item()

    def generator_step(self, batch_size: int) -> float:
        """One generator update on ``batch_size`` fakes; returns its loss."""
        for p in self.critic.parameters():
            p.requires_grad_(False)
        try:
            scores = _columns(self.critic(self.generator(self.sample_latent(batch_size, self.rng).to(self.device))))
            loss = -scores.mean(0).sum() if self.config.loss == "wgan-gp" else F.softplus(-scores).mean(0).sum()
            self.g_optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.g_optimizer.step()
        finally:
            for p in self.critic.parameters():
                p.requires_grad_(True)
        return loss.item()

    def train_step(self) -> dict[str, float]:
        """``n_critic`` critic updates, then one generator update; appends to :attr:`history`."""
        self.generator.train()
        self.critic.train()
        results = []
        batch_size = 0
        for _ in range(self.config.n_critic):
            real = next(self.batches).to(self.device)
            batch_size = real.shape[0]
            results.append(self.critic_step(real))
        g_loss = self.generator_step(batch_size)
        n = len(results)
        record = {
            "d_loss": sum(r[0] for r in results) / n,
            "g_loss": g_loss,
            "wasserstein": sum(r[1] for r in results) / n,
            "gp": sum(r[2] for r in results) / n,
        }
        for key, value in record.items():
            self.history[key].append(value)
        self.step += 1
        return record

    # ------------------------------------------------------------------ the loop
    @torch.no_grad()
    def snapshot(self, latent: torch.Tensor) -> torch.Tensor:
        """The generator's evaluation-mode output for ``latent`` (stored in :attr:`snapshots`)."""
        was_training = self.generator.training
        self.generator.eval()
        try:
            sample = self.generator(latent.to(self.device)).detach().cpu()
        finally:
            self.generator.train(was_training)
        self.snapshots.append((self.step, sample))
        return sample

    def fit(
        self,
        budget: Budget,
        *,
        show_progress: bool | None = None,
        desc: str = "GAN",
        snapshot_every: int = 0,
        snapshot_latent: torch.Tensor | None = None,
        on_snapshot: Callable[[int, torch.Tensor], None] | None = None,
        checkpoint_every: int = 0,
        on_checkpoint: Callable[[GANTrainer], None] | None = None,
    ) -> dict[str, list[float]]:
        """Train until ``budget`` says stop (``budget.steps`` counts from step 0, so a resumed trainer
        does only the remaining steps).

        Args:
            budget: total steps and optional wall-clock seconds for this call.
            show_progress: show a tqdm bar (None: tqdm's default, off when not a terminal/notebook).
            desc: the bar's label.
            snapshot_every: every this many steps (and at the end), keep the generator's output for
                ``snapshot_latent`` in :attr:`snapshots` and pass it to ``on_snapshot(step, sample)``.
            checkpoint_every: every this many steps (and at the end) call ``on_checkpoint(self)``.

        Returns:
            :attr:`history`.
        """
        bar = progress(
            budget.bar_total,
            desc,
            initial=min(self.step, budget.steps),
            disable=None if show_progress is None else not show_progress,
        )
        started = time.perf_counter()
        counted = started
        try:
            while not budget.done(self.step) and not interrupt.requested():
                record = self.train_step()
                bar.update(1)
                if self.step % 10 == 0:
                    bar.set_postfix(d=f"{record['d_loss']:.3f}", g=f"{record['g_loss']:.3f}")
                now = time.perf_counter()
                self.seconds += now - counted
                counted = now
                if snapshot_every and snapshot_latent is not None and self.step % snapshot_every == 0:
                    self._snapshot(snapshot_latent, on_snapshot)
                if checkpoint_every and on_checkpoint and self.step % checkpoint_every == 0:
                    on_checkpoint(self)
        finally:
            bar.close()
            self.seconds += time.perf_counter() - counted
        if snapshot_latent is not None and (not self.snapshots or self.snapshots[-1][0] != self.step):
            self._snapshot(snapshot_latent, on_snapshot)
        if on_checkpoint:
            on_checkpoint(self)
        return self.history

    def _snapshot(self, latent: torch.Tensor, callback: Callable[[int, torch.Tensor], None] | None) -> None:
        sample = self.snapshot(latent)
        if callback:
            callback(self.step, sample)

    # ------------------------------------------------------------------ saving and resuming
    def model_state(self) -> dict[str, torch.Tensor]:
        """Both networks' weights in one dict, prefixed ``generator.`` and ``critic.``."""
        state = {f"generator.{k}": v.detach().clone() for k, v in self.generator.state_dict().items()}
        state.update({f"critic.{k}": v.detach().clone() for k, v in self.critic.state_dict().items()})
        return state

    def state(self) -> dict[str, Any]:
        """Everything a resumed run needs: ``{"state": weights, "optimizer": ..., "train": ...}``
        (tensors and plain data only)."""
        optimizer = {
            "generator": self.g_optimizer.state_dict(),
            "critic": self.d_optimizer.state_dict(),
            "rng": self.rng.get_state(),
        }
        if hasattr(self.batches, "state_dict"):
            optimizer["batches"] = self.batches.state_dict()
        train = {
            "steps": self.step,
            "wall_seconds": round(self.seconds, 2),
            "gan": self.config.to_dict(),
            "history": {k: [round(v, 5) for v in values] for k, values in self.history.items()},
        }
        return {"state": self.model_state(), "optimizer": optimizer, "train": train}

    def load_state(self, saved: dict[str, Any]) -> None:
        """Restore a :meth:`state` (the optimizer part may be None: weights only, fresh optimisers)."""
        weights = saved["state"]
        self.generator.load_state_dict({k[10:]: v for k, v in weights.items() if k.startswith("generator.")})
        self.critic.load_state_dict({k[7:]: v for k, v in weights.items() if k.startswith("critic.")})
        optimizer = saved.get("optimizer")
        if optimizer:
            self.g_optimizer.load_state_dict(optimizer["generator"])
            self.d_optimizer.load_state_dict(optimizer["critic"])
            self.rng.set_state(optimizer["rng"])
            if "batches" in optimizer and hasattr(self.batches, "load_state_dict"):
                self.batches.load_state_dict(optimizer["batches"])
        train = saved.get("train", {})
        self.step = int(train.get("steps", 0))
        self.seconds = float(train.get("wall_seconds", 0.0))
        self.history = {k: list(train.get("history", {}).get(k, [])) for k in self.history}
