"""The vocabulary explosion of pitch-set tokens, measured: each frame's key as the seed would tokenise it
(:func:`frame_sets`, optionally with velocities) and how the vocabulary and the share of validation
frames it cannot name grow with training data (:func:`vocabulary_growth`).

Used by notebook 04_gpt_chords (through :mod:`companion.codecs.chords`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ..song import Song


def frame_sets(song: Song, steps_per_beat: int = 4, *, velocity: bool = False) -> list[tuple]:
    """Each grid frame's key as the seed would tokenise it: the sorted pitches sounding (drums left
    out), or with ``velocity=True`` the sorted (pitch, velocity) pairs -- the variant the seed avoided."""
    step = song.resolution / steps_per_beat
    notes = [n for t in song.tracks if not t.is_drum for n in t.notes]
    if not notes:
        return []
    starts = np.rint(np.array([n.start for n in notes]) / step).astype(np.int64)
    ends = np.maximum(np.rint(np.array([n.end for n in notes]) / step).astype(np.int64), starts + 1)
    frames: list[set] = [set() for _ in range(int(ends.max()))]
    for note, s, e in zip(notes, starts.tolist(), ends.tolist()):
        item = (note.pitch, note.velocity) if velocity else note.pitch
        for t in range(s, e):
            frames[t].add(item)
    return [tuple(sorted(f)) for f in frames]


def vocabulary_growth(
    train: Iterable[Sequence[tuple]],
    valid: Iterable[Sequence[tuple]],
    *,
    fractions: Sequence[float] = (0.125, 0.25, 0.5, 1.0),
    seed: int = 0,
) -> dict:
    """How the pitch-set vocabulary grows with data, and how many valid frames it still cannot name.

    Args:
        train, valid: per piece, its frame keys (:func:`frame_sets`, or JSB rows as tuples).
        fractions: shares of the (shuffled) training pieces at which to measure the unseen share.
        seed: the order in which training pieces are added.

    Returns:
        ``{"frames": [...], "vocab": [...]}`` -- cumulative training frames and distinct keys after each
        piece -- and ``{"train_frames": [...], "vocab_size": [...], "valid_unseen_share": [...]}`` at each
        fraction.
    """
    train = [list(p) for p in train]
    valid_keys = [k for p in valid for k in p]
    order = np.random.default_rng(seed).permutation(len(train))
    seen: set = set()
    frames, vocab = [0], [0]
    snapshots = {}
    cuts = {max(1, int(round(f * len(train)))): f for f in fractions}
    for i, index in enumerate(order.tolist(), start=1):
        seen.update(train[index])
        frames.append(frames[-1] + len(train[index]))
        vocab.append(len(seen))
        if i in cuts:
            unseen = sum(k not in seen for k in valid_keys) / max(len(valid_keys), 1)
            snapshots[i] = (frames[-1], len(seen), unseen)
    at = [snapshots[i] for i in sorted(snapshots)]
    return {
        "frames": frames,
        "vocab": vocab,
        "train_frames": [a[0] for a in at],
        "vocab_size": [a[1] for a in at],
        "valid_unseen_share": [a[2] for a in at],
    }
