"""Classifier two-sample tests (Lopez-Paz & Oquab 2017): can a classifier tell the two sets apart?

Two classifiers, each scored by **grouped K-fold cross-validation** (:data:`FOLDS` folds): the
excerpts are labelled 0 (reference) and 1 (candidate), the *groups* (the piece an excerpt was cut
from; every generated excerpt its own group) are dealt to folds at random (seeded, balancing the
classes in each fold, :func:`folds`), and each excerpt is predicted by the classifier trained on the
other folds. Grouping matters: overlapping excerpts of one piece in both the training and the
held-out folds would let a classifier recognise the *piece* and inflate real-against-real accuracy.
The two sets have the same size, so chance is 0.5. The held-out accuracy over all excerpts is
reported with a **group bootstrap 95 % interval** (``ci``: the groups resampled with replacement
:data:`GROUP_BOOTS` times, percentile interval of the pooled accuracy), because excerpts of one piece
get near-identical predictions: the Wilson interval (``wilson_ci``, also given) treats them as
independent and is too narrow when a set holds few pieces (the Bach test split: 36).

* ``features`` -- L2-regularised logistic regression (``lambda`` = :data:`L2`, fitted exactly by
  Newton's method, 25 iterations) on the 43-number feature vector, standardised on the training
  folds.
* ``roll`` -- a small 1-D convolutional network over the coarse roll
  (:func:`companion.yardstick.features.coarse_roll`: 24 channels = 12 pitch classes, 11 octave bands
  and onsets, at 16th notes): mean-pool 2 (to 8th notes) - conv(24->16, k=5) - ReLU - max-pool 4 -
  conv(16->16, k=5) - ReLU - global mean and max - linear(32->1); Adam (lr 3e-3, weight decay
  1e-3), full batch, seeded, class-weighted binary cross-entropy. It trains for ``steps`` steps or
  until ``cpu_seconds`` of process CPU time (``time.process_time``) per fold, whichever comes first,
  and reports how many it ran (``budget_hit`` says the CPU budget, not the step count, stopped it:
  only then may a rerun differ).

Both classifiers weight their training loss so the two classes count equally: with unweighted
training a fold whose held-out part has more of one class trains on more of the other, and a
classifier with nothing to learn then predicts the wrong majority and scores *below* 0.5.

Used by notebooks 02-06 through :func:`companion.yardstick.measure`.
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch
from torch import nn

FOLDS = 5
L2 = 10.0
ROLL_STEPS = 80
ROLL_CPU_SECONDS = 2.0
GROUP_BOOTS = 1000


def wilson(correct: int, total: int, z: float = 1.96) -> list[float] | None:
    """Wilson score 95 % interval of a proportion ``correct / total``."""
    if total == 0:
        return None
    p = correct / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return [max(0.0, centre - half), min(1.0, centre + half)]


def folds(labels: np.ndarray, groups: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold index of every sample: the groups (over both labels: a piece with excerpts in both sets is
    one group) shuffled (seeded) and dealt largest first, each to the fold with fewest samples of the
    group's majority label, so a group never spans two folds and each fold holds about 1/k of each
    class."""
    rng = np.random.default_rng(seed)
    out = np.zeros(len(labels), dtype=np.int64)
    unique = np.unique(groups)
    rng.shuffle(unique)
    counts = {g: np.bincount(labels[groups == g], minlength=2) for g in unique.tolist()}
    order = sorted(unique.tolist(), key=lambda g: -int(counts[g].sum()))  # stable: ties keep the shuffle
    load = np.zeros((k, 2))
    for g in order:
        f = int(np.argmin((load + counts[g]).max(1) * 1000 + load.sum(1)))
        out[groups == g] = f
        load[f] += counts[g]
    return out


def _summary(correct: np.ndarray, groups: np.ndarray, seed: int) -> dict:
    """Accuracy of held-out predictions with its group-bootstrap and Wilson 95 % intervals."""
    unique, inverse = np.unique(groups, return_inverse=True)
    hits = np.bincount(inverse, weights=correct.astype(float), minlength=len(unique))
    sizes = np.bincount(inverse, minlength=len(unique)).astype(float)
    rng = np.random.default_rng([seed, 3])
    pick = rng.integers(len(unique), size=(GROUP_BOOTS, len(unique)))
    boots = hits[pick].sum(1) / sizes[pick].sum(1)
    total = len(correct)
    return {
        "accuracy": float(correct.mean()),
        "ci": [float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))],
        "wilson_ci": wilson(int(correct.sum()), total),
        "n": total,
        "groups": len(unique),
        "folds": FOLDS,
    }


def _balance(y: np.ndarray) -> np.ndarray:
    """Sample weights that make both classes weigh half of the total."""
    counts = np.bincount(y.astype(int), minlength=2).astype(float)
    return len(y) / (2 * np.maximum(counts, 1))[y.astype(int)]


def _logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, iterations: int = 25) -> np.ndarray:
    """Weights (d + 1,) of class-balanced L2-regularised logistic regression (bias unpenalised),
    Newton's method."""
    x1 = np.hstack([x, np.ones((len(x), 1))])
    weight = _balance(y)
    w = np.zeros(x1.shape[1])
    penalty = np.full(x1.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(x1 @ w, -30, 30)))
        grad = x1.T @ (weight * (p - y)) + penalty * w
        hess = (x1 * (weight * p * (1 - p))[:, None]).T @ x1 + np.diag(penalty + 1e-8)
        w -= np.linalg.solve(hess, grad)
    return w


def feature_test(
    reference: np.ndarray, candidate: np.ndarray, ref_groups: np.ndarray, cand_groups: np.ndarray, *, seed: int = 0
) -> dict:
    """Held-out accuracy of logistic regression telling ``candidate`` feature vectors from ``reference``
    ones (module docstring). Returns ``accuracy``, ``ci`` (group bootstrap 95 %), ``wilson_ci``,
    ``n``, ``groups``, ``folds``."""
    x = np.vstack([reference, candidate]).astype(np.float64)
    y = np.r_[np.zeros(len(reference)), np.ones(len(candidate))]
    groups = np.r_[ref_groups, cand_groups]
    fold = folds(y.astype(int), groups, FOLDS, seed)
    correct = np.zeros(len(y), dtype=bool)
    for f in range(FOLDS):
        train, test = fold != f, fold == f
        if not test.any():
            continue
        mean, std = x[train].mean(0), x[train].std(0)
        std[std < 1e-9] = 1.0
        w = _logistic((x[train] - mean) / std, y[train])
        z = np.hstack([(x[test] - mean) / std, np.ones((int(test.sum()), 1))]) @ w
        correct[test] = (z > 0) == (y[test] > 0.5)
    return _summary(correct, groups, seed)


class _Adam:
    """Adam with L2 weight decay (as ``torch.optim.Adam(lr, weight_decay)``), written out: the first
    ``torch.optim`` optimiser of a process imports torch's compiler stack, seconds of CPU for a
    network that trains in one."""

    def __init__(self, params: list[torch.Tensor], lr: float = 3e-3, weight_decay: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):  # fmt: skip
        self.params, self.lr, self.decay, self.betas, self.eps = params, lr, weight_decay, betas, eps
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0

    @torch.no_grad()
    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad + self.decay * p
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            denom = (v / (1 - b2**self.t)).sqrt_().add_(self.eps)
            p.addcdiv_(m, denom, value=-self.lr / (1 - b1**self.t))


class RollNet(nn.Module):
    """The roll classifier (module docstring)."""

    def __init__(self, channels: int, width: int = 16):
        super().__init__()
        self.body = nn.Sequential(
            nn.AvgPool1d(2),
            nn.Conv1d(channels, width, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool1d(4),
            nn.Conv1d(width, width, 5, padding=2),
            nn.ReLU(),
        )
        self.head = nn.Linear(2 * width, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.from_pooled(self.pool(x))

    def pool(self, x: torch.Tensor) -> torch.Tensor:
        """The first layer (the mean-pool to 8th notes): no weights, so :func:`roll_test` pools its
        rolls once instead of at every step."""
        return self.body[0](x)

    def from_pooled(self, pooled: torch.Tensor) -> torch.Tensor:
        """The logits of rolls already put through :meth:`pool`."""
        h = pooled
        for layer in self.body[1:]:
            h = layer(h)
        return self.head(torch.cat([h.mean(2), h.amax(2)], 1)).squeeze(1)


def roll_test(
    reference: np.ndarray,
    candidate: np.ndarray,
    ref_groups: np.ndarray,
    cand_groups: np.ndarray,
    *,
    seed: int = 0,
    steps: int = ROLL_STEPS,
    cpu_seconds: float | None = ROLL_CPU_SECONDS,
) -> dict:
    """Held-out accuracy of :class:`RollNet` telling candidate rolls (N, C, T) from reference ones.

    Returns what :func:`feature_test` returns, and ``steps`` (per fold, as run),
    ``cpu_seconds`` (the budget per fold) and ``budget_hit``.
    """
    x = torch.from_numpy(np.concatenate([reference, candidate]).astype(np.float32)) / 4.0
    y = torch.cat([torch.zeros(len(reference)), torch.ones(len(candidate))])
    groups = np.r_[ref_groups, cand_groups]
    fold = folds(y.numpy().astype(int), groups, FOLDS, seed)
    correct, ran, hit = np.zeros(len(y), dtype=bool), [], False
    pooled = None
    for f in range(FOLDS):
        test = torch.from_numpy(fold == f)
        if not bool(test.any()):
            continue
        torch.manual_seed(seed * 1000 + f)
        net = RollNet(x.shape[1])
        if pooled is None:  # the same for every fold and step: the pool has no weights, the rolls no gradient
            pooled = net.pool(x)
        opt = _Adam(list(net.parameters()))
        x_train, y_train = pooled[~test], y[~test]
        weight = torch.from_numpy(_balance(y_train.numpy())).float()
        loss_fn = nn.BCEWithLogitsLoss(weight=weight)
        started = time.process_time()
        done = 0
        for _ in range(steps):
            if cpu_seconds is not None and time.process_time() - started > cpu_seconds:
                hit = True
                break
            net.zero_grad()
            loss_fn(net.from_pooled(x_train), y_train).backward()
            opt.step()
            done += 1
        ran.append(done)
        with torch.no_grad():
            correct[test.numpy()] = ((net.from_pooled(pooled[test]) > 0).float() == y[test]).numpy()
    return _summary(correct, groups, seed) | {"steps": ran, "cpu_seconds": cpu_seconds, "budget_hit": hit}
