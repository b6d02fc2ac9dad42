"""Voicing the jazz corpus's chords: rootless piano voicings with voice leading, upper extensions, and the
pitch helpers every part uses (nearest pitch of a class, chord tones in a register, scale steps).

Used by notebooks 00_tour, 01_representing_music, 02_musegan and 05_event_tokens (through
:mod:`companion.jazz`).
"""

from __future__ import annotations

import random
from functools import cache

from .changes import REGISTERS

VOICINGS: dict[str, tuple[tuple[int, ...], ...]] = {
    "maj7": ((4, 7, 11, 14), (4, 11, 14, 21), (4, 11, 14)),  # 3 5 7 9, 3 7 9 13, 3 7 9
    "m7": ((3, 7, 10, 14), (3, 10, 14, 17), (3, 10, 14)),  # 3 5 7 9, 3 7 9 11, 3 7 9
    "7": ((4, 9, 10, 14), (4, 7, 10, 14), (4, 10, 14)),  # 3 13 7 9, 3 5 7 9, 3 7 9
    "m7b5": ((3, 6, 10, 17), (3, 6, 10)),  # 3 b5 7 11, 3 b5 7
    "dim7": ((3, 6, 9, 14), (3, 6, 9)),  # 3 b5 bb7 9, 3 b5 bb7
    "6": ((4, 7, 9, 14), (4, 9, 14)),  # 3 5 6 9, 3 6 9
    "m6": ((3, 7, 9, 14), (3, 9, 14)),  # 3 5 6 9, 3 6 9
}
"""Rootless piano voicings per quality, as intervals above the root; every inversion of each is used."""

TENSIONS: dict[str, tuple[int, ...]] = {
    "maj7": (14, 18, 21),  # 9 #11 13 (the natural 11 clashes with the major 3rd)
    "m7": (14, 17, 21),  # 9 11 13
    "7": (14, 18, 21),  # 9 #11 13
    "m7b5": (14, 17, 20),  # 9 11 b13
    "dim7": (14, 17, 20),  # 9 11 b13 (a whole step above chord tones)
    "6": (14, 18),  # 9 #11
    "m6": (14, 17),  # 9 11
}
"""Upper extensions (9, 11, 13 with the usual alterations) the ``extensions`` track plays."""


def _nearest(pc: int, ref: float, lo: int, hi: int) -> int:
    """The pitch of pitch class ``pc`` inside ``[lo, hi]`` nearest to ``ref`` (lower one on a tie)."""
    best = lo + (pc - lo) % 12
    p = best + 12
    while p <= hi:
        if abs(p - ref) < abs(best - ref):
            best = p
        p += 12
    return best


def _pitches_of(root: int, intervals: tuple[int, ...], lo: int, hi: int) -> list[int]:
    """All pitches in ``[lo, hi]`` whose pitch class is ``root`` plus one of ``intervals``."""
    pcs = {(root + i) % 12 for i in intervals}
    return [p for p in range(lo, hi + 1) if p % 12 in pcs]


def _step_in_scale(pitch: int, root: int, scale: tuple[int, ...], direction: int, lo: int, hi: int) -> int:
    """The next pitch of the scale from ``pitch`` in ``direction``, turning round at the register edge."""
    pcs = {(root + i) % 12 for i in scale}
    for d in (direction, -direction):
        p = pitch + d
        while lo <= p <= hi:
            if p % 12 in pcs:
                return p
            p += d
    return pitch


@cache
def _voicing_candidates(root: int, quality: str) -> tuple[tuple[int, ...], ...]:
    """Every close-position inversion of every rootless voicing of the chord inside the comping register."""
    lo, hi = REGISTERS["comping"]
    found: set[tuple[int, ...]] = set()
    for shape in VOICINGS[quality]:
        pcs = sorted({(root + i) % 12 for i in shape})
        for r in range(len(pcs)):
            order = pcs[r:] + pcs[:r]
            stack = [order[0]]
            for pc in order[1:]:
                stack.append(stack[-1] + (pc - stack[-1]) % 12)
            for octave in range(10):
                voicing = tuple(p + 12 * octave for p in stack)
                if voicing[0] < lo:
                    continue
                if voicing[-1] > hi:
                    break
                if voicing[0] < 53 and voicing[1] - voicing[0] < 3:  # low-interval limit: no mud
                    continue
                found.add(voicing)
    return tuple(sorted(found))


def _choose_voicing(r: random.Random, root: int, quality: str, previous: tuple[int, ...] | None) -> tuple[int, ...]:
    """The voicing moving least from ``previous`` (a little randomised), or one near middle C at first."""
    candidates = _voicing_candidates(root, quality)
    if previous is None:
        center = 60 + r.uniform(-3, 3)
        return min(candidates, key=lambda v: abs(sum(v) / len(v) - center))
    prev_mean = sum(previous) / len(previous)

    def motion(v: tuple[int, ...]) -> float:
        if len(v) == len(previous):
            cost = sum(abs(a - b) for a, b in zip(v, previous, strict=True))
        else:
            cost = abs(sum(v) / len(v) - prev_mean) * len(v) + 1.0
        drift = max(0.0, abs(sum(v) / len(v) - 61) - 5)  # keep the hands around the middle
        return cost + drift + 2.5 * r.random()

    return min(candidates, key=motion)
