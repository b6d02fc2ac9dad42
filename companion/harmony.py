"""Chord templates and template chord recognition: the one place that says which chord sounds in a beat.

Two layers need the same answer. The event codec (:mod:`companion.codecs.events`) writes a Chord
token at every chord change, recognised here when a song has no ground-truth chords; the metric suite
(:mod:`companion.metrics`) scores chord-tone rate against the same recognised chords. This module sits
below both and the codecs: it imports only :mod:`companion.theory` (the grid and the templates),
:mod:`companion.song` and :mod:`companion.roll` (the binary roll), so neither the event codec nor the
metrics reach up into the other, and the imports go one way.

The recogniser, one chord per beat (:func:`recognise_chords`):

1. the song's binary roll at :data:`STEPS_PER_BEAT` steps per beat (``roll.encode(...,
   quantize=True)``: notes rounded to the nearest step, at least one step long) gives each beat a
   duration-weighted chroma of the pitched tracks (:func:`beat_chroma`);
2. every template of :data:`CHORD_TEMPLATES` on the 12 roots is scored by the note-time it covers;
   the most covered note-time wins, ties go to the fewest tones, then to the root equal to the beat's
   lowest sounding pitch class, then to the earlier template and lower root (:func:`best_templates`);
3. silent beats get no label and consecutive beats with the same chord merge (:func:`chord_labels`).

Example:
    >>> from companion.harmony import recognise_chords
    >>> from companion.song import Note, Song, Track
    >>> triad = Song(tracks=[Track("piano", notes=[Note(0, p, 480) for p in (60, 64, 67)])], resolution=480)
    >>> [c.name for c in recognise_chords(triad)]
    ['Cmaj']

Used by notebooks 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens and
06_diminishing_returns (through the chord-tone rate of :mod:`companion.metrics` and the Chord tokens
of :mod:`companion.codecs.events`).
"""

from __future__ import annotations

import numpy as np

from .roll import encode
from .song import ChordLabel, Song
from .theory import CHORD_TEMPLATES, STEPS_PER_BEAT

# STEPS_PER_BEAT (12, MuseGAN's grid: the recogniser's) and CHORD_TEMPLATES (the recogniser's templates,
# simplest first) are defined in companion.theory and stay importable from here.


def chord_mask(root: int, quality: str) -> np.ndarray:
    """The pitch classes of a chord: bool (12,), True on the tones of ``quality`` above ``root``.

    Raises:
        ValueError: a quality outside :data:`CHORD_TEMPLATES`.
    """
    if quality not in CHORD_TEMPLATES:
        raise ValueError(f"unknown chord quality {quality!r}; expected one of {list(CHORD_TEMPLATES)}")
    mask = np.zeros(12, dtype=bool)
    mask[[(root + i) % 12 for i in CHORD_TEMPLATES[quality]]] = True
    return mask


TEMPLATE_LABELS: list[tuple[int, str]] = [(root, quality) for quality in CHORD_TEMPLATES for root in range(12)]
"""(root, quality) of every template over the 12 roots, in preference order (template order, then root)."""

TEMPLATE_MASKS: np.ndarray = np.array([chord_mask(root, quality) for root, quality in TEMPLATE_LABELS])
"""bool (132, 12): the pitch classes of each template of :data:`TEMPLATE_LABELS`."""

TEMPLATE_SIZES: np.ndarray = TEMPLATE_MASKS.sum(1)
"""(132,): the number of tones of each template."""

_TEMPLATE_ROOTS = np.array([root for root, _ in TEMPLATE_LABELS])
_PITCH_CLASS_OF = np.eye(12, dtype=np.int64)[np.arange(128) % 12]  # (128, 12): pitch -> its pitch class


def best_templates(chroma: np.ndarray, bass: np.ndarray) -> np.ndarray:
    """The recognised template of each beat: the core of :func:`recognise_chords`.

    Args:
        chroma: int (beats, 12): note-time of each pitch class in each beat (in grid steps).
        bass: int (beats,): the lowest sounding pitch class of each beat (any value where silent).

    Returns:
        int64 (beats,): an index into :data:`TEMPLATE_LABELS` per beat, -1 for a silent beat (zero chroma).
        The most covered note-time wins, then the fewest tones, then the root equal to ``bass``, then
        the earlier template (template order, then root).
    """
    chroma = np.asarray(chroma, dtype=np.int64)
    cover = chroma @ TEMPLATE_MASKS.T.astype(np.int64)  # (beats, templates)
    root_is_bass = _TEMPLATE_ROOTS[None, :] == np.asarray(bass)[:, None]
    rank = np.arange(len(TEMPLATE_LABELS))
    # Lexicographic: most covered note-time, then fewest tones, then root in the bass, then order.
    key = cover * (1 << 20) - TEMPLATE_SIZES * (1 << 12) + root_is_bass * (1 << 8) - rank
    return np.where(chroma.sum(1) > 0, np.argmax(key, axis=1), -1)


def chord_labels(best: np.ndarray, resolution: int) -> list[ChordLabel]:
    """Chord labels in ticks from the per-beat templates of :func:`best_templates`.

    Beat ``b`` spans ticks ``b * resolution`` to ``(b + 1) * resolution``; a beat of -1 gets no label
    and consecutive beats with the same template become one label.
    """
    labels: list[ChordLabel] = []
    previous = -1
    for b, t in enumerate(np.asarray(best).tolist()):
        if t >= 0 and t == previous:
            last = labels[-1]
            labels[-1] = ChordLabel(last.tick, last.duration + resolution, last.root, last.quality)
        elif t >= 0:
            root, quality = TEMPLATE_LABELS[t]
            labels.append(ChordLabel(b * resolution, resolution, root, quality))
        previous = t
    return labels


def beat_chroma(song: Song) -> tuple[np.ndarray, np.ndarray]:
    """The duration-weighted chroma and the bass of each beat of ``song``'s pitched tracks.

    The song's binary roll at :data:`STEPS_PER_BEAT` steps per beat
    (``companion.roll.encode(..., quantize=True)``, the roll :mod:`companion.metrics` reads too). Tracks
    sharing a name are pooled into one part, in which a pitch sounds at a step or not (two notes of
    one part on one pitch count once); a part is pitched unless all its tracks are drums.

    Returns:
        chroma: int64 (beats, 12): steps each pitch class sounds in each beat, summed over the pitched
        parts; bass: int64 (beats,): the lowest pitch class sounding in each beat (0 where silent).
    """
    active = encode(song, STEPS_PER_BEAT, quantize=True).active  # (tracks, steps, 128)
    num_beats = -(-active.shape[1] // STEPS_PER_BEAT)
    active = np.pad(active, ((0, 0), (0, num_beats * STEPS_PER_BEAT - active.shape[1]), (0, 0)))
    parts: dict[str, list[int]] = {}
    for index, track in enumerate(song.tracks):
        parts.setdefault(track.name, []).append(index)
    chroma = np.zeros((num_beats, 12), dtype=np.int64)
    sounding = np.zeros((num_beats, 128), dtype=bool)
    for indices in parts.values():
        if all(song.tracks[i].is_drum for i in indices):
            continue
        part = active[indices].any(0)
        steps_held = part.reshape(num_beats, STEPS_PER_BEAT, 128).sum(1, dtype=np.int64)  # (beats, 128)
        chroma += steps_held @ _PITCH_CLASS_OF
        sounding |= steps_held > 0
    return chroma, np.argmax(sounding, axis=1) % 12


def recognise_chords(song: Song) -> list[ChordLabel]:
    """Template chord recognition, one chord per beat.

    Definition: per beat, the pitched tracks' duration-weighted chroma is matched against every
    template of :data:`CHORD_TEMPLATES` on the 12 roots; the template covering the most note-time
    wins; ties go to the simpler template (fewer tones), then to the one whose root is the beat's
    lowest sounding pitch class, then to the earlier template and lower root. Silent beats get no
    label; consecutive beats with the same chord are merged into one label.

    Returns:
        Chord labels in song ticks (quality names as in :data:`CHORD_TEMPLATES`); gaps where silent.
    """
    return chord_labels(best_templates(*beat_chroma(song)), song.resolution)


__all__ = [
    "CHORD_TEMPLATES",
    "STEPS_PER_BEAT",
    "TEMPLATE_LABELS",
    "TEMPLATE_MASKS",
    "TEMPLATE_SIZES",
    "beat_chroma",
    "best_templates",
    "chord_labels",
    "chord_mask",
    "recognise_chords",
]
