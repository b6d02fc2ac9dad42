"""The language-model training loop: one run's state, its steps, evaluations, checkpoints and resume.

:class:`_Run` holds what one call of :func:`companion.train.lm.train_lm` shares between its steps (data
as tensors, optimiser, seeded generator, history, the best weights so far); :func:`training_state` is
what a checkpoint stores to resume it exactly.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns through
:mod:`companion.pipelines.gpt` (and :mod:`companion.train.lm`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .. import interrupt, progress
from .config import LMConfig, LMResult, TrainError
from .parts import clone_state, l2_penalty, learning_rate, make_optimizer, mean_nll, sample_batch


def _tensors(
    model: nn.Module,
    train: Sequence[Sequence[int]],
    valid: Sequence[Sequence[int]],
    config: LMConfig,
    world: int,
    unk_id: int | None,
    rare_ids: Sequence[int],
) -> tuple[list[torch.Tensor], list[torch.Tensor], torch.Tensor | None]:
    """The training and validation sequences as tensors (those of at least 2 tokens) and the rare-token
    mask (None without ``rare_to_unk``), after checking that training can start."""
    if not train:
        raise TrainError("no training sequences")
    max_len = getattr(model, "max_len", config.context)
    if config.context > max_len:
        raise TrainError(f"context {config.context} is longer than the model's max_len {max_len}")
    if config.batch_size % world:
        raise TrainError(f"batch size {config.batch_size} does not split over {world} processes")
    train_t = [torch.as_tensor(list(s), dtype=torch.long) for s in train if len(s) >= 2]
    valid_t = [torch.as_tensor(list(s), dtype=torch.long) for s in valid if len(s) >= 2]
    rare = None
    if config.rare_to_unk > 0 and len(rare_ids):
        if unk_id is None:
            raise TrainError("rare_to_unk needs an unk_id")
        vocab = max(int(max(int(s.max()) for s in train_t)), max(rare_ids), unk_id) + 1
        rare = torch.zeros(vocab, dtype=torch.bool)
        rare[torch.as_tensor(list(rare_ids), dtype=torch.long)] = True
    return train_t, valid_t, rare


class _Run:
    """One training run (the state its steps and evaluations share); :meth:`run` trains and returns."""

    def __init__(self, model, train, valid, config, budget, pad_id, unk_id, rare_ids, seed, resume, on_checkpoint,
                 checkpoint_every, rank, world, device=None) -> None:  # fmt: skip
        self.model, self.config, self.budget = model, config, budget
        self.pad_id, self.unk_id = pad_id, unk_id
        self.on_checkpoint, self.checkpoint_every = on_checkpoint, checkpoint_every
        self.rank, self.world = rank, world
        self.train_t, self.valid_t, self.rare = _tensors(model, train, valid, config, world, unk_id, rare_ids)
        self.probe = self.train_t[: max(1, len(self.valid_t))] if config.track_train else []
        if device is not None:
            model.to(device)
        self.device = next(model.parameters()).device
        self.optimizer = make_optimizer(model, config)
        self.generator = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed + rank)
        self.step, self.tokens_seen, self.history = 0, 0, []
        self.best = {"nll": math.inf, "step": 0, "state": None}
        self.bad_evals, self.elapsed_before = 0, 0.0
        if resume is not None:
            self._resume(resume)
        self.net = model
        if world > 1:
            self.net = nn.parallel.DistributedDataParallel(model)
        self.started = time.perf_counter()
        self.last_eval = self.history[-1]["step"] if self.history else -1  # the same on every rank
        self.running, self.running_n = 0.0, 0

    def _resume(self, resume: dict) -> None:
        self.model.load_state_dict(resume["current_state"])
        self.optimizer.load_state_dict(resume["optimizer"])
        self.generator.set_state(resume["generator"])
        torch.set_rng_state(resume["torch_rng"])
        self.step, self.tokens_seen = int(resume["step"]), int(resume["tokens_seen"])
        self.history = list(resume["history"])
        self.best = {"nll": float(resume["best_nll"]), "step": int(resume["best_step"]), "state": resume["best_state"]}
        self.bad_evals, self.elapsed_before = int(resume["bad_evals"]), float(resume["wall_seconds"])
        self.budget.cpu_before = float(resume.get("cpu_seconds", 0.0))
        self.budget.cpu_started = time.process_time()

    def elapsed(self) -> float:
        return self.elapsed_before + time.perf_counter() - self.started

    def state(self, stopped: bool) -> dict:
        out = training_state(self.model, self.optimizer, self.generator, self.step, self.tokens_seen, self.history,
                             self.best, self.bad_evals, self.elapsed(), self.config, stopped)  # fmt: skip
        out["cpu_seconds"] = round(self.budget.cpu_elapsed, 1)
        return out

    def evaluate(self) -> bool:
        """Rank 0 measures; every rank learns whether to stop. Returns True to stop."""
        model, config = self.model, self.config
        self.last_eval = self.step
        stop = torch.zeros(1)
        if self.rank == 0:
            model.eval()
            entry = {"step": self.step, "seconds": round(self.elapsed(), 2),
                     "cpu_seconds": round(self.budget.cpu_elapsed, 2),
                     "lr": self.optimizer.param_groups[0]["lr"]}  # fmt: skip
            entry["train_loss"] = self.running / max(self.running_n, 1) if self.running_n else None
            if self.valid_t:
                entry["valid_nll"] = mean_nll(model, self.valid_t, config.context, config.eval_tokens)
            if self.probe:
                entry["train_nll"] = mean_nll(model, self.probe, config.context, config.eval_tokens)
            model.train()
            self.history.append(entry)
            score = entry.get("valid_nll", entry["train_loss"] if entry["train_loss"] is not None else math.inf)
            if score < self.best["nll"]:
                self.best.update(nll=score, step=self.step, state=clone_state(model))
                self.bad_evals = 0
            else:
                self.bad_evals += 1
            if config.patience is not None and self.bad_evals >= config.patience:
                stop[0] = 1
            if self.on_checkpoint is not None:
                self.on_checkpoint(self.state(bool(stop[0])))
        if self.world > 1:
            torch.distributed.broadcast(stop, src=0)
        return bool(stop[0])

    def train_step(self) -> None:
        """One optimiser step on a fresh batch (this rank's share of it)."""
        config, pad_id, rank = self.config, self.pad_id, self.rank
        per_rank = config.batch_size // self.world
        lr = learning_rate(self.step, self.budget.steps, config)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        inputs, targets = sample_batch(
            self.train_t, config.batch_size, config.context, pad_id, self.generator,
            rare=self.rare, unk_id=self.unk_id, rare_to_unk=config.rare_to_unk,
        )  # fmt: skip
        inputs, targets = (
            inputs[rank * per_rank : (rank + 1) * per_rank],
            targets[rank * per_rank : (rank + 1) * per_rank],
        )
        inputs, targets = inputs.to(self.device), targets.to(self.device)
        logits = self.net(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad_id)
        objective = loss
        if config.regularisation == "l2" and config.weight_decay:
            objective = loss + l2_penalty(self.model, config.weight_decay)
        self.optimizer.zero_grad(set_to_none=True)
        objective.backward()
        if config.grad_clip:
            nn.utils.clip_grad_norm_(self.model.parameters(), config.grad_clip)
        self.optimizer.step()
        self.step += 1
        self.tokens_seen += int((targets != pad_id).sum()) * self.world
        self.running += float(loss.detach())
        self.running_n += 1

    def run(self, show: bool, desc: str) -> LMResult:
        """Steps until the budget, an interrupt or early stopping; the best weights restored at the end."""
        config, budget = self.config, self.budget
        self.model.train()
        bar = progress(budget.bar_total, desc, initial=self.step, disable=not show)
        stopped = False
        while not budget.done(self.step) and not interrupt.requested():
            self.train_step()
            bar.update(1)
            bar.set_postfix(loss=f"{self.running / self.running_n:.3f}", refresh=False)
            if config.eval_every and self.step % config.eval_every == 0 and not budget.done(self.step):
                if self.evaluate():
                    stopped = True
                    break
                self.running, self.running_n = 0.0, 0
            elif (
                self.checkpoint_every and self.step % self.checkpoint_every == 0 and self.rank == 0
                and self.on_checkpoint is not None
            ):  # fmt: skip
                self.on_checkpoint(self.state(False))
        if not stopped and self.last_eval != self.step:
            self.evaluate()
        bar.close()
        return self._finish(stopped)

    def _finish(self, stopped: bool) -> LMResult:
        if self.best["state"] is not None:
            current = clone_state(self.model)
            final_state = self.state(stopped)
            self.model.load_state_dict(self.best["state"])
            final_state["current_state"] = current
        else:
            final_state = self.state(stopped)
        if self.rank == 0 and self.on_checkpoint is not None:
            self.on_checkpoint(final_state)
        return LMResult(
            steps=self.step,
            best_valid_nll=float(self.best["nll"]),
            best_step=int(self.best["step"]),
            wall_seconds=self.elapsed(),
            history=self.history,
            stopped_early=stopped,
            tokens_seen=self.tokens_seen,
        )


def _train(model, train, valid, config, budget, pad_id, unk_id, rare_ids, seed, resume, on_checkpoint,
           checkpoint_every, show, desc, rank, world, device=None) -> LMResult:  # fmt: skip
    run = _Run(model, train, valid, config, budget, pad_id, unk_id, rare_ids, seed, resume, on_checkpoint,
               checkpoint_every, rank, world, device)  # fmt: skip
    return run.run(show, desc)


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
