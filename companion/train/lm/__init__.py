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

The trainer is split by concept, every name importable from here as before: :mod:`.config` (the plain
data), :mod:`.parts` (process group, decay, schedule, crops, NLL, state copies) and :mod:`.loop` (one
run's state and steps, checkpoints and resume).

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns through
:mod:`companion.pipelines.gpt`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from .. import Budget, interrupt, progress  # noqa: F401  (re-exported: the names this module always had)
from .config import LMConfig, LMResult, TrainError  # noqa: F401
from .loop import _Run, _tensors, _train, training_state  # noqa: F401
from .parts import (  # noqa: F401
    _decay_groups,
    _init_distributed,
    clone_state,
    distributed_env,
    l2_penalty,
    learning_rate,
    make_optimizer,
    mean_nll,
    sample_batch,
)


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
