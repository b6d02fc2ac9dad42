"""The language-model trainer shared by both GPTs (lessons 04 and 05): next-token cross-entropy on
random crops of token sequences, with the two kinds of "weight decay" the seed conflated.

* ``regularisation="decoupled"`` -- AdamW (Loshchilov & Hutter 2019): each step shrinks the weights by
  ``lr * weight_decay`` *outside* the adaptive update.
* ``regularisation="l2"`` -- plain Adam with ``weight_decay / 2 * ||w||^2`` *added to the loss*: the
  penalty's gradient ``weight_decay * w`` then goes through Adam's per-parameter scaling, so weights
  with small gradients are barely regularised. With SGD the two are the same; under Adam they are
  not, and lesson 04 shows it on the same run.

Both decay only matrices and embeddings (not biases, LayerNorm gains or the positional buffer).

The rest is the plumbing every long run needs: warm-up + cosine learning rate, gradient clipping, a
progress bar, evaluation every ``eval_every`` steps (validation NLL, and train NLL in eval mode for the
overfitting curves), early stopping on the validation NLL (the best weights are kept), a
:class:`~companion.train.Budget` of steps and seconds, checkpoints through a callback, and resume
(model, optimiser and random states, so a resumed run matches an uninterrupted one).

It runs unchanged under ``torchrun --nproc_per_node=2 ...``: with ``WORLD_SIZE`` > 1 in the
environment it joins a gloo process group, wraps the model in ``DistributedDataParallel``, gives each
rank its share of every batch, and only rank 0 evaluates, saves and prints.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns through
:mod:`companion.pipelines.gpt`.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import CompanionError
from . import Budget, interrupt, progress


@dataclass
class LMConfig:
    """Optimisation settings (plain data: stored in checkpoints).

    Attributes:
        batch_size: sequences per optimiser step (the global batch under DDP).
        context: tokens per training crop, at most the model's ``max_len``.
        lr: peak learning rate (after ``warmup`` steps, cosine decay to ``lr * min_lr_ratio``).
        regularisation: ``"decoupled"`` (AdamW) or ``"l2"`` (Adam + L2 penalty in the loss).
        weight_decay: the coefficient of either.
        betas: Adam's moment decay rates.
        grad_clip: clip the gradient norm to this (None: no clipping).
        eval_every: steps between evaluations (0: only at the end).
        eval_tokens: at most this many tokens of each split per evaluation (None: all of valid).
        patience: stop after this many evaluations without a better validation NLL (None: never).
        track_train: also measure train NLL in eval mode at each evaluation (the overfitting curve).
        rare_to_unk: probability with which each occurrence of a rare token (``train_lm``'s
            ``rare_ids``) is replaced by ``unk_id`` in a training batch, so the model learns how likely
            an unseen item is (0: never).
    """

    batch_size: int = 32
    context: int = 128
    lr: float = 1e-3
    warmup: int = 100
    min_lr_ratio: float = 0.1
    regularisation: str = "decoupled"
    weight_decay: float = 0.01
    betas: tuple[float, float] = (0.9, 0.99)
    grad_clip: float | None = 1.0
    eval_every: int = 200
    eval_tokens: int | None = None
    patience: int | None = None
    track_train: bool = True
    rare_to_unk: float = 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["betas"] = list(self.betas)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> LMConfig:
        data = dict(data)
        if "betas" in data:
            data["betas"] = tuple(data["betas"])
        return cls(**data)


@dataclass
class LMResult:
    """What :func:`train_lm` returns: the step reached, the best validation NLL (per token) and the
    step it was reached at, wall time, the history of evaluations and whether it stopped early."""

    steps: int
    best_valid_nll: float
    best_step: int
    wall_seconds: float
    history: list[dict] = field(default_factory=list)
    stopped_early: bool = False
    tokens_seen: int = 0


class TrainError(CompanionError):
    """Training cannot start: no data, a context longer than the model's, an unknown option."""


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


# ---------------------------------------------------------------------- the loop
def train_lm(
    model: nn.Module,
    train: Sequence[Sequence[int]],
    valid: Sequence[Sequence[int]],
    config: LMConfig,
    budget: Budget,
    *,
    pad_id: int = 0,
    unk_id: int | None = None,
    rare_ids: Sequence[int] = (),
    seed: int = 0,
    resume: dict | None = None,
    on_checkpoint: Callable[[dict], None] | None = None,
    checkpoint_every: int | None = None,
    show_progress: bool = True,
    desc: str = "train",
    device: str | torch.device | None = None,
) -> LMResult:
    """Train ``model`` (a :class:`~companion.models.gpt.GPT`) on token sequences.

    Args:
        model: the network; on return it holds the best weights (by validation NLL).
        train, valid: token sequences (``BOS ... EOS``), already encoded by a codec.
        config: an :class:`LMConfig`.
        budget: steps and optional wall-clock seconds (the first reached ends training).
        pad_id: the padding id (ignored by the loss).
        unk_id, rare_ids: the unknown-token id and the rare tokens ``config.rare_to_unk`` replaces by it.
        seed: seeds batches and dropout (the same seed gives the same run).
        resume: the ``state`` of a previous checkpoint (from :func:`training_state`) to continue.
        on_checkpoint: called on rank 0 with :func:`training_state` at every evaluation and at the end.
        checkpoint_every: also checkpoint between evaluations every this many steps.
        show_progress: draw a tqdm bar (rank 0 only).
        desc: the bar's label.
        device: where the model and its batches go (None: where the model already is); batches are
            still drawn on the CPU from the seeded generator, and checkpoints hold CPU tensors.

    Returns:
        An :class:`LMResult`; ``history`` has one entry per evaluation: step, seconds, lr, running
        training loss, valid NLL, and train NLL (eval mode) when ``config.track_train``.

    Raises:
        TrainError: no training data, or a context longer than ``model.max_len``.
    """
    rank, world = distributed_env()
    joined = _init_distributed(world)
    try:
        return _train(
            model, train, valid, config, budget, pad_id, unk_id, rare_ids, seed, resume, on_checkpoint,
            checkpoint_every, show_progress and rank == 0, desc, rank, world, device,
        )  # fmt: skip
    finally:
        if joined:
            torch.distributed.destroy_process_group()


def _train(model, train, valid, config, budget, pad_id, unk_id, rare_ids, seed, resume, on_checkpoint,
           checkpoint_every, show, desc, rank, world, device=None) -> LMResult:  # fmt: skip
    if not train:
        raise TrainError("no training sequences")
    max_len = getattr(model, "max_len", config.context)
    if config.context > max_len:
        raise TrainError(f"context {config.context} is longer than the model's max_len {max_len}")
    if config.batch_size % world:
        raise TrainError(f"batch size {config.batch_size} does not split over {world} processes")
    train_t = [torch.as_tensor(list(s), dtype=torch.long) for s in train if len(s) >= 2]
    valid_t = [torch.as_tensor(list(s), dtype=torch.long) for s in valid if len(s) >= 2]
    probe = train_t[: max(1, len(valid_t))] if config.track_train else []
    rare = None
    if config.rare_to_unk > 0 and len(rare_ids):
        if unk_id is None:
            raise TrainError("rare_to_unk needs an unk_id")
        vocab = max(int(max(int(s.max()) for s in train_t)), max(rare_ids), unk_id) + 1
        rare = torch.zeros(vocab, dtype=torch.bool)
        rare[torch.as_tensor(list(rare_ids), dtype=torch.long)] = True

    if device is not None:
        model.to(device)
    device = next(model.parameters()).device
    optimizer = make_optimizer(model, config)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed + rank)
    step, tokens_seen, history = 0, 0, []
    best = {"nll": math.inf, "step": 0, "state": None}
    bad_evals, elapsed_before = 0, 0.0
    if resume is not None:
        model.load_state_dict(resume["current_state"])
        optimizer.load_state_dict(resume["optimizer"])
        generator.set_state(resume["generator"])
        torch.set_rng_state(resume["torch_rng"])
        step, tokens_seen = int(resume["step"]), int(resume["tokens_seen"])
        history = list(resume["history"])
        best = {"nll": float(resume["best_nll"]), "step": int(resume["best_step"]), "state": resume["best_state"]}
        bad_evals, elapsed_before = int(resume["bad_evals"]), float(resume["wall_seconds"])
        budget.cpu_before = float(resume.get("cpu_seconds", 0.0))
        budget.cpu_started = time.process_time()

    net = model
    if world > 1:
        net = nn.parallel.DistributedDataParallel(model)
    started = time.perf_counter()

    def elapsed() -> float:
        return elapsed_before + time.perf_counter() - started

    def state(stopped: bool) -> dict:
        out = training_state(model, optimizer, generator, step, tokens_seen, history, best, bad_evals, elapsed(),
                             config, stopped)  # fmt: skip
        out["cpu_seconds"] = round(budget.cpu_elapsed, 1)
        return out

    last_eval = history[-1]["step"] if history else -1  # the same on every rank

    def evaluate() -> bool:
        """Rank 0 measures; every rank learns whether to stop. Returns True to stop."""
        nonlocal bad_evals, last_eval
        last_eval = step
        stop = torch.zeros(1)
        if rank == 0:
            model.eval()
            entry = {"step": step, "seconds": round(elapsed(), 2), "cpu_seconds": round(budget.cpu_elapsed, 2),
                     "lr": optimizer.param_groups[0]["lr"]}  # fmt: skip
            entry["train_loss"] = running / max(running_n, 1) if running_n else None
            if valid_t:
                entry["valid_nll"] = mean_nll(model, valid_t, config.context, config.eval_tokens)
            if probe:
                entry["train_nll"] = mean_nll(model, probe, config.context, config.eval_tokens)
            model.train()
            history.append(entry)
            score = entry.get("valid_nll", entry["train_loss"] if entry["train_loss"] is not None else math.inf)
            if score < best["nll"]:
                best.update(nll=score, step=step, state=clone_state(model))
                bad_evals = 0
            else:
                bad_evals += 1
            if config.patience is not None and bad_evals >= config.patience:
                stop[0] = 1
            if on_checkpoint is not None:
                on_checkpoint(state(bool(stop[0])))
        if world > 1:
            torch.distributed.broadcast(stop, src=0)
        return bool(stop[0])

    model.train()
    bar = progress(budget.bar_total, desc, initial=step, disable=not show)
    running, running_n, stopped = 0.0, 0, False
    per_rank = config.batch_size // world
    while not budget.done(step) and not interrupt.requested():
        lr = learning_rate(step, budget.steps, config)
        for group in optimizer.param_groups:
            group["lr"] = lr
        inputs, targets = sample_batch(
            train_t, config.batch_size, config.context, pad_id, generator,
            rare=rare, unk_id=unk_id, rare_to_unk=config.rare_to_unk,
        )  # fmt: skip
        inputs, targets = (
            inputs[rank * per_rank : (rank + 1) * per_rank],
            targets[rank * per_rank : (rank + 1) * per_rank],
        )
        inputs, targets = inputs.to(device), targets.to(device)
        logits = net(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad_id)
        objective = loss
        if config.regularisation == "l2" and config.weight_decay:
            objective = loss + l2_penalty(model, config.weight_decay)
        optimizer.zero_grad(set_to_none=True)
        objective.backward()
        if config.grad_clip:
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        step += 1
        tokens_seen += int((targets != pad_id).sum()) * world
        running += float(loss.detach())
        running_n += 1
        bar.update(1)
        bar.set_postfix(loss=f"{running / running_n:.3f}", refresh=False)
        if config.eval_every and step % config.eval_every == 0 and not budget.done(step):
            if evaluate():
                stopped = True
                break
            running, running_n = 0.0, 0
        elif checkpoint_every and step % checkpoint_every == 0 and rank == 0 and on_checkpoint is not None:
            on_checkpoint(state(False))
    if not stopped and last_eval != step:
        evaluate()
    bar.close()
    if best["state"] is not None:
        current = clone_state(model)
        final_state = state(stopped)
        model.load_state_dict(best["state"])
        final_state["current_state"] = current
    else:
        final_state = state(stopped)
    if rank == 0 and on_checkpoint is not None:
        on_checkpoint(final_state)
    return LMResult(
        steps=step,
        best_valid_nll=float(best["nll"]),
        best_step=int(best["step"]),
        wall_seconds=elapsed(),
        history=history,
        stopped_early=stopped,
        tokens_seen=tokens_seen,
    )


def training_state(model, optimizer, generator, step, tokens_seen, history, best, bad_evals, wall_seconds, config,
                   stopped) -> dict:  # fmt: skip
    """Everything a checkpoint needs to resume (tensors and plain data only): the best weights
    (``best_state``, what generation uses), the current weights, optimiser and random states."""
    current = clone_state(model)
    return {
        "best_state": best["state"] if best["state"] is not None else current,
        "current_state": current,
        "optimizer": optimizer.state_dict(),
        "generator": generator.get_state(),
        "torch_rng": torch.get_rng_state(),
        "step": step,
        "tokens_seen": tokens_seen,
        "history": list(history),
        "best_nll": float(best["nll"]),
        "best_step": int(best["step"]),
        "bad_evals": int(bad_evals),
        "wall_seconds": float(wall_seconds),
        "config": config.to_dict(),
        "stopped_early": bool(stopped),
    }
