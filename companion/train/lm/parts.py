"""The language-model trainer's parts: the process group, the two kinds of weight decay, the learning-rate
schedule, random crops, sliding-window NLL and a state copy that keeps tied weights tied.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns through
:mod:`companion.pipelines.gpt` (and :mod:`companion.train.lm`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import torch
from torch import nn

from .config import LMConfig, TrainError


# ---------------------------------------------------------------------- distributed
def distributed_env() -> tuple[int, int]:
    """``(rank, world_size)`` from torchrun's environment variables ((0, 1) when not under torchrun)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    return (rank, world) if world > 1 else (0, 1)


def _init_distributed(world: int) -> bool:
    """Join the gloo process group if torchrun started us and nobody joined yet; True if we did."""
    if world <= 1 or not torch.distributed.is_available():
        return False
    if torch.distributed.is_initialized():
        return False
    torch.distributed.init_process_group("gloo")
    return True


# ---------------------------------------------------------------------- parts
def _decay_groups(model: nn.Module) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
    """Parameters to decay (matrices, embeddings) and not (biases, norms); shared ones once."""
    decay, no_decay, seen = [], [], set()
    for param in model.parameters():
        if id(param) in seen or not param.requires_grad:
            continue
        seen.add(id(param))
        (decay if param.dim() >= 2 else no_decay).append(param)
    return decay, no_decay


def make_optimizer(model: nn.Module, config: LMConfig) -> torch.optim.Optimizer:
    """AdamW with decoupled decay, or Adam with no decay (the L2 penalty then goes in the loss)."""
    decay, no_decay = _decay_groups(model)
    if config.regularisation == "decoupled":
        groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        return torch.optim.AdamW(groups, lr=config.lr, betas=config.betas)
    if config.regularisation == "l2":
        return torch.optim.Adam(decay + no_decay, lr=config.lr, betas=config.betas, weight_decay=0.0)
    raise TrainError(f"regularisation must be 'decoupled' or 'l2', not {config.regularisation!r}")


def l2_penalty(model: nn.Module, weight_decay: float) -> torch.Tensor:
    """``weight_decay / 2 * sum ||w||^2`` over the decayed parameters (its gradient is ``weight_decay * w``)."""
    decay, _ = _decay_groups(model)
    return 0.5 * weight_decay * sum((p * p).sum() for p in decay)


def learning_rate(step: int, total: int, config: LMConfig) -> float:
    """Linear warm-up for ``warmup`` steps, then cosine decay to ``lr * min_lr_ratio`` at ``total``."""
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    progress_ = min(1.0, (step - config.warmup) / max(1, total - config.warmup))
    return config.lr * (config.min_lr_ratio + (1 - config.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress_)))


def sample_batch(
    sequences: Sequence[torch.Tensor],
    batch_size: int,
    context: int,
    pad_id: int,
    generator: torch.Generator,
    *,
    rare: torch.Tensor | None = None,
    unk_id: int | None = None,
    rare_to_unk: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """A batch of random crops: inputs (batch, context) and targets shifted by one, PAD where a
    sequence is shorter. Sequences are drawn in proportion to their length (every token is equally
    likely to be trained on), crops start anywhere (including 0, where the model sees BOS). With
    ``rare`` (a bool mask over the vocabulary) each rare token becomes ``unk_id`` with probability
    ``rare_to_unk``, in the input and the target alike."""
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.float64)
    chosen = torch.multinomial(lengths, batch_size, replacement=True, generator=generator)
    inputs = torch.full((batch_size, context), pad_id, dtype=torch.long)
    targets = torch.full((batch_size, context), pad_id, dtype=torch.long)
    for row, index in enumerate(chosen.tolist()):
        seq = sequences[index]
        span = max(1, len(seq) - context)  # crops of context + 1 tokens
        start = int(torch.randint(span, (1,), generator=generator))
        piece = seq[start : start + context + 1]
        if rare is not None and rare_to_unk > 0:
            hit = rare[piece] & (torch.rand(len(piece), generator=generator) < rare_to_unk)
            piece = torch.where(hit, torch.full_like(piece, unk_id), piece)
        inputs[row, : len(piece) - 1] = piece[:-1]
        targets[row, : len(piece) - 1] = piece[1:]
    return inputs, targets


@torch.no_grad()
def mean_nll(model: nn.Module, sequences: Sequence[torch.Tensor], window: int, max_tokens: int | None = None) -> float:
    """Mean NLL per predicted token (nats) over sequences, scored with sliding windows of at most
    ``window`` tokens (:meth:`companion.models.gpt.GPT.window_nll`); at most ``max_tokens`` predicted
    tokens, taken from the first sequences. Restores the model's train/eval mode."""
    was_training = model.training
    total, count = 0.0, 0
    for seq in sequences:
        if max_tokens is not None and count >= max_tokens:
            break
        nll = model.window_nll(seq, window=window)
        total += float(nll.sum())
        count += len(nll)
    model.train(was_training)
    return total / max(count, 1)


def clone_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """A detached copy of ``model.state_dict()`` that keeps shared tensors shared (a tied embedding
    and head stay one tensor, so a checkpoint stores them once)."""
    copies: dict[tuple[int, tuple, tuple], torch.Tensor] = {}
    out = {}
    for key, value in model.state_dict().items():
        ident = (value.data_ptr(), tuple(value.shape), tuple(value.stride()))
        if ident not in copies:
            copies[ident] = value.detach().clone()
        out[key] = copies[ident]
    return out
