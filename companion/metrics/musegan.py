"""The MuseGAN paper's metrics (Dong et al., AAAI 2018): EB, UPC, QN, DP and the tonal distance TD.

Each takes one :class:`~companion.song.Song` and returns per-track values (DP one value, TD one per
pair of tracks); definitions and units in :mod:`companion.metrics` and on the definitions page.

Used by notebooks 02_musegan and definitions (and, through :func:`companion.metrics.corpus_metrics`,
by 01_representing_music, 03_image_gan and 06_diminishing_returns).
"""

from __future__ import annotations

from ..song import Song
from .analysis import _Analysis, _ratio, _ratios

QN_MIN_STEPS = 3
"""A "qualified note" lasts at least 3 steps at 12 steps per beat (a 16th note), as the MuseGAN paper
defines it (its official code uses 2)."""


# ================================================================================ public metrics
def empty_bar_rate(song: Song, *, num_bars: int | None = None) -> dict[str, float]:
    """Empty-bar rate (EB) of each track.

    Definition: the percentage of the song's bars (``song.ticks_per_bar`` long, ``song.num_bars`` of
    them, or ``num_bars`` when given) in which the track has no sounding note on the 12-step grid.
    Drum tracks included. Tracks sharing a name are pooled.

    Args:
        song: the song.
        num_bars: the song's length in bars when it is known to be longer than its notes (a model
            asked for 4 bars whose last bar is silent in every track); default ``song.num_bars``.

    Returns:
        Track name -> EB in percent (0..100); NaN for a song of zero bars.

    Note:
        pypianoroll 1.0.4's ``empty_beat_rate`` returns the rate of NON-empty beats, i.e.
        ``1 - EB / 100`` when its "beat" is given our bar length (tested in ``tests/test_metrics.py``).
    """
    return _ratios(_Analysis(song, num_bars).empty_bars(), 100.0)


def used_pitch_classes(song: Song) -> dict[str, float]:
    """Used pitch classes (UPC) of each pitched track.

    Definition: the number of distinct pitch classes sounding in a bar, averaged over the bars in
    which the track sounds (empty bars are left out, as in MuseGAN). Drum tracks are skipped.

    Returns:
        Track name -> mean number of pitch classes per non-empty bar (0..12); NaN for a silent track.
    """
    return _ratios(_Analysis(song).pitch_classes())


def qualified_note_rate(song: Song, min_steps: int = QN_MIN_STEPS) -> dict[str, float]:
    """Qualified-note rate (QN) of each pitched track.

    Definition: the percentage of the track's notes whose duration on the 12-steps-per-beat grid
    (start and end rounded to the nearest step, at least one step) is at least ``min_steps`` steps.
    The MuseGAN paper uses 3 steps (a 16th note), :data:`QN_MIN_STEPS`; its official code uses 2.
    Notes are the song's notes: for real music the notes as written; for a model's binary roll,
    the runs of active steps its decoder made (so fragmented output scores low). Drums skipped.

    Args:
        song: the song.
        min_steps: the shortest qualified note, in steps of 1/12 beat.

    Returns:
        Track name -> QN in percent (0..100); NaN for a track without notes.
    """
    return _ratios(_Analysis(song).qualified(min_steps), 100.0)


def drum_pattern_rate(song: Song, tolerance: float = 0.1) -> float | None:
    """Drum-pattern rate (DP): how much of the drumming lies on an 8th- or 16th-note grid.

    Definition (MuseGAN's "ratio of notes in 8- or 16-beat patterns", with its drum filter): every
    drum onset, rounded to the 12-step grid, scores 1 on the 16th-note grid (every 3rd step, which
    includes the 8th-note grid) and ``tolerance`` anywhere else (at 12 steps per beat every other
    position is one step from the grid: MuseGAN's partial credit); DP is the mean score in percent.
    ``tolerance=0`` gives the strict share of on-grid onsets. Swing and triplets (step 4 or 8 of a
    beat) are off this grid: DP is a rock metric.

    Returns:
        DP in percent (0..100), or None when the song has no drum notes.
    """
    counts = _Analysis(song).drum_pattern(tolerance)
    return None if counts is None or counts[1] == 0 else _ratio(*counts, 100.0)


def tonal_distance(song: Song, track_a: str, track_b: str) -> float | None:
    """Tonal distance (TD) between two tracks (Harte, Sandler & Gasser 2006).

    Definition: per beat, each track's duration-weighted pitch-class chroma is normalised to sum 1
    and mapped to the 6-D tonal centroid (circle of fifths, minor thirds, major thirds with radii
    r1 = 1, r2 = 1, r3 = 0.5); TD is the Euclidean distance between the two centroids, averaged over
    the beats in which both tracks sound. Unitless; 0 = the same harmony, larger = weaker harmonic
    relation (at most 2 * sqrt(r1^2 + r2^2 + r3^2) = 3).

    Args:
        song: the song.
        track_a, track_b: track names.

    Returns:
        The mean distance, or None when the two tracks never sound in the same beat.

    Raises:
        KeyError: a name that is not a track of the song.
    """
    analysis = _Analysis(song)
    parts = {p.name: p for p in analysis.parts}
    total, beats = analysis.tonal(parts[track_a], parts[track_b])
    return total / beats if beats else None
