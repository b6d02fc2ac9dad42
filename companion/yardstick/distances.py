"""Set-to-set distances: Yang & Lerch's feature-distribution overlap and a Fréchet distance.

**Overlap (Yang & Lerch 2018).** For one feature, the *within-set* distances are the Euclidean
distances between every pair of distinct reference excerpts; the *between-set* distances those
between every reference excerpt and every candidate excerpt. Each sample of distances is smoothed by
a Gaussian kernel density estimate equal to :class:`scipy.stats.gaussian_kde` with Scott's bandwidth
(:func:`kde`: the same formula vectorised for one dimension, checked against scipy by
``tests/test_yardstick.py``) on a common grid of :data:`GRID` points; the
**overlapping area** ``OA = integral of min(p_within, p_between)`` (1 = the candidate is as close to
the reference as the reference is to itself, 0 = disjoint) and the **KL divergence**
``KL(p_within || p_between)`` (nats, over the grid; 0 = identical) are reported per feature, and
their means over features. Distance samples larger than :data:`MAX_DISTANCES` are subsampled
(seeded) before smoothing: the KDE costs grid x sample.

**Fréchet distance on the standardised feature vector.** Both sets' 43-number feature vectors
(:func:`companion.yardstick.features.feature_vector`) are standardised by the reference set's mean and
standard deviation (dimensions constant in the reference dropped); then
``FD = |mu_r - mu_c|^2 + Tr(S_r + S_c - 2 (S_r^1/2 S_c S_r^1/2)^1/2)`` (Fréchet / Wasserstein-2
between Gaussians, as in FID). It is *not* the Fréchet Music Distance (Retkowski et al. 2024), which
embeds with CLaMP models fetched from a hub; this is its offline analogue on documented features.
Its value has a small-sample bias, which is why the noise floor is printed beside it.

Used by notebooks 02-06 through :func:`companion.yardstick.measure`.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist

GRID = 128
"""Points of the grid on which the two densities are compared."""
MAX_DISTANCES = 1000
"""Largest distance sample smoothed by the KDE for the point estimate (larger ones are subsampled,
seeded)."""
BOOT_DISTANCES = 1000
"""The same cap inside the bootstrap of the mean overlap (each resample costs one KDE per feature)."""
EPS = 1e-10
_trapz = getattr(np, "trapezoid", None) or np.trapz  # numpy 2 renamed it


def kde(sample: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Gaussian KDE of a 1-D ``sample`` on ``grid``: exactly :class:`scipy.stats.gaussian_kde`'s
    estimate with Scott's rule (bandwidth ``std(sample, ddof=1) * n ** (-1/5)``), computed in one
    vectorised step (scipy's object costs more to build than to evaluate at this size)."""
    n = len(sample)
    bandwidth = float(np.std(sample, ddof=1)) * n ** (-0.2)
    z = (grid[:, None] - sample[None, :]) / bandwidth
    return np.exp(-0.5 * z * z).sum(1) / (n * bandwidth * np.sqrt(2 * np.pi))


def _kde(sample: np.ndarray, grid: np.ndarray, rng: np.random.Generator, cap: int) -> np.ndarray:
    """Density of ``sample`` (at most ``cap`` of its values, seeded) on ``grid``, normalised there."""
    if len(sample) > cap:
        sample = sample[rng.choice(len(sample), cap, replace=False)]
    span = float(grid[-1] - grid[0]) or 1.0
    if len(sample) < 2 or sample.std() < 1e-9 * span:  # a point mass: the KDE is singular
        sample = np.resize(sample, max(len(sample), 2)) + rng.normal(0.0, 1e-3 * span, size=max(len(sample), 2))
    density = kde(sample, grid)
    area = _trapz(density, grid)
    if area > 0:
        return density / area
    # narrower than the grid's spacing (every grid point underflows): the mass on the nearest point
    spike = np.zeros_like(grid)
    spike[int(np.argmin(np.abs(grid - float(np.mean(sample)))))] = 1.0
    return spike / _trapz(spike, grid)


def _compare(
    within: np.ndarray, between: np.ndarray, rng: np.random.Generator, cap: int = MAX_DISTANCES
) -> tuple[float, float]:
    """(overlapping area, KL(within || between)) of two distance samples."""
    low = min(within.min(), between.min())
    high = max(within.max(), between.max())
    pad = 0.1 * (high - low) or 1.0
    grid = np.linspace(low - pad, high + pad, GRID)
    p, q = _kde(within, grid, rng, cap), _kde(between, grid, rng, cap)
    oa = float(_trapz(np.minimum(p, q), grid))
    pm, qm = p / p.sum(), q / q.sum()
    kl = float(np.sum(pm * np.log((pm + EPS) / (qm + EPS))))
    return min(oa, 1.0), max(kl, 0.0)


def _pairs(ref_idx: np.ndarray, cand_idx: np.ndarray | None, d_rr: np.ndarray, d_rc: np.ndarray | None):
    """Within-set and between-set distance samples of (resampled) index sets; pairs of the same
    original excerpt are left out of the within-set sample."""
    sub = d_rr[np.ix_(ref_idx, ref_idx)]
    keep = ref_idx[:, None] < ref_idx[None, :]
    within = sub[keep]
    between = d_rc[np.ix_(ref_idx, cand_idx)].ravel()
    return within, between


def overlap(
    reference: dict[str, np.ndarray],
    candidate: dict[str, np.ndarray],
    *,
    seed: int = 0,
    boots: int = 100,
) -> dict:
    """Overlapping area and KL divergence per feature, their means, and bootstrap 95 % intervals of
    the means (excerpts of both sets resampled with replacement ``boots`` times; :func:`_normal_ci`).

    Args:
        reference, candidate: feature tables (:func:`companion.yardstick.features.feature_table`).

    Returns:
        ``features`` (name -> ``{"oa", "kl"}``), ``mean_oa``, ``mean_oa_ci`` ([low, high]),
        ``mean_kl``, ``mean_kl_ci``, ``boots``.
    """
    rng = np.random.default_rng(seed)
    names = list(reference)
    n_r, n_c = len(reference[names[0]]), len(candidate[names[0]])
    d_rr = {k: cdist(reference[k], reference[k]) for k in names}
    d_rc = {k: cdist(reference[k], candidate[k]) for k in names}
    all_r, all_c = np.arange(n_r), np.arange(n_c)
    per = {}
    for k in names:
        oa, kl = _compare(*_pairs(all_r, all_c, d_rr[k], d_rc[k]), rng)
        per[k] = {"oa": oa, "kl": kl}
    mean_oa = float(np.mean([v["oa"] for v in per.values()]))
    mean_kl = float(np.mean([v["kl"] for v in per.values()]))
    boot_oa, boot_kl = [], []
    for _ in range(boots):
        ri, ci = rng.integers(n_r, size=n_r), rng.integers(n_c, size=n_c)
        values = [_compare(*_pairs(ri, ci, d_rr[k], d_rc[k]), rng, BOOT_DISTANCES) for k in names]
        boot_oa.append(np.mean([v[0] for v in values]))
        boot_kl.append(np.mean([v[1] for v in values]))
    return {
        "features": per,
        "mean_oa": mean_oa,
        "mean_oa_ci": _normal_ci(mean_oa, boot_oa, 0.0, 1.0),
        "mean_kl": mean_kl,
        "mean_kl_ci": _normal_ci(mean_kl, boot_kl, 0.0, None),
        "boots": boots,
    }


def _normal_ci(value: float, boots: list[float], low: float | None, high: float | None) -> list[float] | None:
    """``value`` +- 1.96 bootstrap standard deviations, clipped to [low, high]: the interval of every
    set-to-set distance here. Not the percentile interval: a resample repeats excerpts, which biases
    a distance between sets (the Fréchet distance upwards, the overlap downwards), so percentile
    intervals can miss the value itself."""
    if not boots:
        return None
    half = 1.96 * float(np.std(boots))
    lo, hi = value - half, value + half
    return [lo if low is None else max(low, lo), hi if high is None else min(high, hi)]


def _percentile(values: list[float]) -> list[float] | None:
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))] if values else None


def _sqrt_trace(a: np.ndarray, b: np.ndarray) -> float:
    """Tr((A^1/2 B A^1/2)^1/2) for symmetric positive semi-definite A, B (= Tr sqrtm(A B))."""
    w, v = np.linalg.eigh(a)
    root = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    inner = np.linalg.eigvalsh(root @ b @ root)
    return float(np.sqrt(np.clip(inner, 0, None)).sum())


def _frechet(x: np.ndarray, y: np.ndarray) -> float:
    mu = x.mean(0) - y.mean(0)
    sx, sy = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    return float(mu @ mu + np.trace(sx) + np.trace(sy) - 2 * _sqrt_trace(sx, sy))


def frechet_distance(reference: np.ndarray, candidate: np.ndarray, *, seed: int = 0, boots: int = 100) -> dict:
    """The Fréchet distance on the standardised feature vector (module docstring), with a bootstrap
    95 % interval (both sets resampled ``boots`` times; :func:`_normal_ci`).

    Returns:
        ``value``, ``ci`` ([low, high]), ``dims`` (dimensions kept), ``boots``.
    """
    mean, std = reference.mean(0), reference.std(0)
    kept = std > 1e-9
    x = (reference[:, kept] - mean[kept]) / std[kept]
    y = (candidate[:, kept] - mean[kept]) / std[kept]
    rng = np.random.default_rng(seed)
    values = [
        _frechet(x[rng.integers(len(x), size=len(x))], y[rng.integers(len(y), size=len(y))]) for _ in range(boots)
    ]
    value = _frechet(x, y)
    return {"value": value, "ci": _normal_ci(value, values, 0.0, None), "dims": int(kept.sum()), "boots": boots}
