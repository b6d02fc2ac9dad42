"""One yardstick for every architecture: how far a model's music is from real music, beside the
noise floor, three baselines and a 95 % interval.

:func:`measure` takes the real training and test songs and a model's generated songs (any
architecture: everything is a :class:`~companion.song.Song`), cuts every set into ``excerpts``
(default 100) bar-aligned excerpts of ``bars`` (default 8) bars, and compares each set with the
**reference**, 100 real *training* excerpts:

a. **feature-distribution overlap** after Yang & Lerch (2018) -- :mod:`.features`, :mod:`.distances`;
b. **classifier two-sample tests** (Lopez-Paz & Oquab 2017), one on the feature vector, one small
   network on the coarse roll -- :mod:`.classify`;
c. the **Fréchet distance on the standardised feature vector** (not FMD) -- :mod:`.distances`;
d. the model's **NLL**, passed through where the model defines one;
e. the **metrics table** of :func:`companion.metrics.corpus_metrics` on the same excerpts, every
   set's chord-tone rate against the *same* reference, the one recogniser of
   :mod:`companion.harmony` (plus ground-truth labels where the corpus has them: jazz), the copy
   rate on the merged roll, and a ``guaranteed`` list of figures the representation fixes.

The sets measured beside the model (same n): ``floor`` -- real *test* excerpts, the noise floor
(real against real: what no model can beat); ``random`` -- random notes drawn from the corpus's
per-track pitch and duration distributions; ``shuffled`` -- real training bars shuffled across pieces;
``copy`` -- real training excerpts copied verbatim (copy rate 1.0, a perfect distribution: why copy
rate belongs in the yardstick).

**Headline**: the feature classifier's held-out accuracy (0.5 = indistinguishable from real, 1.0 =
told apart every time), with its group-bootstrap interval; the other figures stand beside it
(:func:`headline_numbers`: the headline, Fréchet distance and mean overlap of one set, with their
intervals, as ``compare`` and the demo carry them).

JSON keys of :func:`measure`'s result:

* ``headline`` -- ``metric`` (what it is) and, per set, ``{"accuracy", "ci"}``.
* ``settings`` -- ``bars``, ``excerpts``, ``seed``, ``reference``, ``view``, ``features``,
  ``feature_vector_dims``, ``chords``, ``copy_window_bars``, ``boots``, ``overlap_boots``,
  ``classifier_folds``.
* ``reference`` -- ``excerpts`` and the reference's own ``table``, ``copy_rate`` (1.0: they are
  training excerpts), ``chord_tone_rate`` (+ ``_ci``, ``_ground_truth``).
* ``sets`` -- ``generated`` (when given), ``floor``, ``random``, ``shuffled``, ``copy``; each:
  ``excerpts``, ``source``;
  ``overlap``: ``features`` (name -> ``{"oa", "kl"}``), ``mean_oa``, ``mean_oa_ci``, ``mean_kl``,
  ``mean_kl_ci``, ``boots``;
  ``classifier``: ``features`` and ``roll``, each ``accuracy``, ``ci`` (group bootstrap),
  ``wilson_ci``, ``n``, ``groups``, ``folds`` (``roll`` also ``steps``, ``cpu_seconds``,
  ``budget_hit``);
  ``frechet``: ``value``, ``ci``, ``dims``, ``boots``;
  ``table`` (:func:`companion.metrics.corpus_metrics`, recognised chords, no copy rate),
  ``copy_rate``, ``copy_rate_ci``, ``chord_tone_rate``, ``chord_tone_rate_ci`` and, where the corpus
  has labels, ``chord_tone_rate_ground_truth`` (+ ``_ci``); with ``per_track=True`` also
  ``overlap_per_track`` (track name -> the ``overlap`` dict of that track alone, no interval).
* ``nll`` -- as given (None when the model defines none).
* ``guaranteed`` -- names of figures the representation guarantees (not findings).
* ``chance`` -- the random baseline's chord-tone rates and copy rate: the chance levels.
* ``cost`` -- CPU seconds per stage, ``wall_s``, ``cpu_s`` (the only key that varies between runs).

Intervals are 95 %: the value +- 1.96 bootstrap standard deviations over excerpts (overlap, KL,
Fréchet distance), bootstrap percentiles over excerpts (copy and chord-tone rates) and over pieces
(classifier accuracies; Wilson intervals beside them). The table's other figures have none.

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and
06_diminishing_returns, and by ``python -m companion evaluate`` (key ``yardstick``).
"""

from __future__ import annotations

from .core import (
    HEADLINE,
    CopyIndex,
    ExcerptSet,
    baselines,
    headline_numbers,
    measure,
    per_track_overlap,
    plain,
    random_notes,
    shuffled_bars,
)
from .features import FEATURES, coarse_roll, excerpt_features, feature_table, feature_vector
from .models import for_checkpoint, generate_excerpts, guaranteed_for

__all__ = [
    "FEATURES",
    "HEADLINE",
    "CopyIndex",
    "ExcerptSet",
    "baselines",
    "coarse_roll",
    "excerpt_features",
    "feature_table",
    "feature_vector",
    "for_checkpoint",
    "generate_excerpts",
    "guaranteed_for",
    "headline_numbers",
    "measure",
    "per_track_overlap",
    "plain",
    "random_notes",
    "shuffled_bars",
]
