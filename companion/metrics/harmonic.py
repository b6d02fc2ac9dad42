"""Harmony and register metrics: chord-tone rate, register adherence, voice crossing, key and chords in key.

What a listener hears go wrong, measured on the same grid as the MuseGAN metrics: notes off the
sounding chord, voices out of their register or crossing (SATB), chords outside the song's key
(Krumhansl & Kessler's key profiles).

Used by notebooks 01_representing_music, 02_musegan, 03_image_gan, 05_event_tokens,
06_diminishing_returns and definitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from ..harmony import chord_mask, recognise_chords
from ..song import ChordLabel, Song
from .analysis import _Analysis, _ratio, _ratios


def register_adherence(song: Song, registers: dict[str, tuple[int, int]]) -> dict[str, float]:
    """Register adherence of each track named in ``registers``.

    Definition: the share of the track's notes with ``low <= pitch <= high``.

    Args:
        song: the song.
        registers: track name -> inclusive (low, high) MIDI pitches, e.g.
            :data:`companion.theory.JAZZ_REGISTERS`.

    Returns:
        Track name -> share 0..1, for the named tracks that have notes.
    """
    return _ratios(_Analysis(song).registers(registers))


def chord_tone_rate(
    song: Song, chords: list[ChordLabel] | None = None, *, tracks: Sequence[str] | None = None
) -> float:
    """Chord-tone rate: how much of the music sits on the tones of the sounding chord.

    Definition: the share of pitched note-time (the sum over notes of their duration on the
    12-step grid; drums excluded) whose pitch class belongs to the chord sounding at that time.
    With ``chords`` (ground truth, e.g. ``song.chords`` of the jazz corpus) the labels and their
    tones (:data:`companion.theory.CHORD_TONES`, plus the triads of :data:`CHORD_TEMPLATES`) are used,
    and only note-time under a label is scored. With ``chords=None`` every beat is scored against
    the template :func:`recognise_chords` picks for it: the most favourable chord per beat, so this
    is a lenient score (random pitches in the rhythm of the Bach chorales still reach about 0.8,
    against 0.94 for Bach; against ground truth random pitches get about a third).

    Args:
        song: the song.
        chords: ground-truth chord labels, or None to recognise them.
        tracks: score only these pitched tracks (chords are still recognised from all of them);
            default all pitched tracks.

    Returns:
        Share 0..1; NaN when no note-time is scored.

    Raises:
        ValueError: a chord quality outside :data:`CHORD_TEMPLATES`.
    """
    return _ratio(*_Analysis(song).chord_tones(chords, tracks))


SATB = ("Soprano", "Alto", "Tenor", "Bass")
"""The voices of the ``bach`` corpus, from the top: the order :func:`voice_crossing_rate` expects."""


def _songs(songs: Song | Iterable[Song]) -> list[Song]:
    return [songs] if isinstance(songs, Song) else list(songs)


def voice_crossing_rate(songs: Song | Iterable[Song], voices: Sequence[str] = SATB) -> float:
    """Voice-crossing rate: how often a lower voice sounds above a higher one (SATB).

    Definition: on the 12-step grid, over the steps where at least two of ``voices`` sound, the share
    of steps where some lower voice's highest sounding pitch is above some higher voice's lowest
    sounding pitch (voices ordered from the top, tracks matched by name). Pooled over songs.

    Args:
        songs: a song or songs whose tracks are named as in ``voices`` (e.g. ``bach`` and the models
            trained on it); missing voices are left out.
        voices: track names from the highest voice to the lowest.

    Returns:
        Share 0..1; NaN when no step has two voices sounding.

    Example (lesson 02 prints it for MuseGAN's chorales beside the real ones'):
        >>> from companion import Note, Song, Track
        >>> alto = Track("Alto", notes=[Note(0, 64, 480), Note(480, 69, 480)])  # E4, then A4
        >>> voice_crossing_rate(Song([Track("Soprano", notes=[Note(0, 67, 960)]), alto]))  # under G4, then over
        0.5
    """
    crossed = scored = 0
    for song in _songs(songs):
        parts = {p.name: p for p in _Analysis(song).parts}
        rolls = [parts[v].active for v in voices if v in parts]
        if len(rolls) < 2:
            continue
        pitches = np.arange(128)
        sounding = np.stack([r.any(1) for r in rolls])
        top = np.stack([np.where(r, pitches, -1).max(1) for r in rolls])
        bottom = np.stack([np.where(r, pitches, 128).min(1) for r in rolls])
        cross = np.zeros(sounding.shape[1], dtype=bool)
        for upper in range(len(rolls)):
            for lower in range(upper + 1, len(rolls)):
                cross |= sounding[upper] & sounding[lower] & (top[lower] > bottom[upper])
        steps = sounding.sum(0) >= 2
        crossed += int((cross & steps).sum())
        scored += int(steps.sum())
    return _ratio(crossed, scored)


def walking_bass_rate(songs: Song | Iterable[Song], track: str = "bass") -> float:
    """Walking-bass rate: the share of beats on which the bass starts a note (jazz).

    Definition: over the beats of every whole bar of a song (``num_bars * ticks_per_bar / resolution``
    beats, a constant metre assumed), the share of beats ``k`` in which at least one note of the track
    named ``track`` starts (``k * resolution <= start < (k + 1) * resolution``). Pooled over songs; a
    song without that track is left out. A walking bass plays every beat, so real walking lines score
    near 1; a bass that leaps and leaves beats empty scores lower. Read it beside the real data's value.

    Returns:
        Share 0..1; NaN when no song has the track.

    Example:
        >>> from companion import Note, Song, Track
        >>> bass = Track("bass", notes=[Note(0, 36, 480), Note(480, 38, 480), Note(1440, 41, 480)])
        >>> walking_bass_rate(Song([bass]))  # beats 1, 2 and 4 of a 4/4 bar
        0.75
    """
    walked = beats = 0
    for song in _songs(songs):
        parts = [t for t in song.tracks if t.name == track and not t.is_drum]
        if not parts:
            continue
        total = song.num_bars * song.ticks_per_bar // song.resolution
        started = {n.start // song.resolution for t in parts for n in t.notes}
        walked += sum(1 for k in started if 0 <= k < total)
        beats += total
    return _ratio(walked, beats)


KEY_PROFILES = {
    "major": np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]),
    "minor": np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]),
}
"""Krumhansl & Kessler's (1982) key profiles, tonic first (the Krumhansl-Schmuckler key finder)."""

SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10, 11)}
"""Diatonic pitch classes above the tonic: the major scale; natural plus harmonic minor."""


def estimate_key(song: Song) -> tuple[int, str]:
    """The song's key by the Krumhansl-Schmuckler method: the (tonic pitch class, ``"major"`` or
    ``"minor"``) whose profile correlates best with the duration-weighted pitch-class histogram of the
    pitched tracks (ties to the lower tonic, major first)."""
    histogram = _Analysis(song).pitched_chroma().sum(0).astype(float)
    if not histogram.any():
        return 0, "major"
    best = max(
        ((float(np.corrcoef(histogram, np.roll(profile, tonic))[0, 1]), -i, -tonic, tonic, mode)
         for i, (mode, profile) in enumerate(KEY_PROFILES.items()) for tonic in range(12)),
    )
    return best[3], best[4]


def chord_in_key_rate(songs: Song | Iterable[Song]) -> float:
    """Chord-in-key rate: the share of recognised chords whose tones all lie in the song's key.

    Definition: per song, the key is :func:`estimate_key`'s and the chords are
    :func:`recognise_chords`' (one label per chord change); a chord is in key when every tone of its
    template (:func:`companion.harmony.chord_mask`) is in the key's scale (:data:`SCALES`). Pooled
    over songs. Jazz uses chromatic chords on purpose (a blues' I7), so read it beside the real
    data's value, not against 1.

    Returns:
        Share 0..1; NaN when no chord is recognised.

    Example (lesson 05 prints it for generated jazz beside the corpus's):
        >>> from companion import Note, Song, Track
        >>> c_major = Song([Track("piano", notes=[Note(0, p, 1920) for p in (60, 64, 67)])])
        >>> chord_in_key_rate(c_major)
        1.0
    """
    inside = total = 0
    for song in _songs(songs):
        tonic, mode = estimate_key(song)
        scale = np.zeros(12, dtype=bool)
        scale[[(tonic + d) % 12 for d in SCALES[mode]]] = True
        for chord in recognise_chords(song):
            total += 1
            inside += bool(np.all(scale[chord_mask(chord.root, chord.quality)]))
    return _ratio(inside, total)
