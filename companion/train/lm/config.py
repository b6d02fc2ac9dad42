"""The language-model trainer's plain data: :class:`LMConfig` (stored in checkpoints), :class:`LMResult`
and :class:`TrainError`.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns through
:mod:`companion.pipelines.gpt` (and :mod:`companion.train.lm`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ...errors import CompanionError


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
