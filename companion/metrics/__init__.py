"""One metric suite for every model of the course: measure any model's output the same way.

Every function takes :class:`~companion.song.Song` objects, the neutral type, so MuseGAN's rolls, the
image GAN's pictures and both GPTs' tokens are decoded first and then scored by the same code.
Internally a song is encoded once with the piano-roll codec at MuseGAN's grid,
``pianoroll.encode(song, STEPS_PER_BEAT, quantize=True)`` (12 steps per beat, 128 pitches), and
everything is computed with numpy on that roll: the whole Bach corpus (365 chorales) takes one to
two seconds, 2,000 generated bars about one.

The metrics (units in brackets):

* ``EB`` empty-bar rate [% of bars], per track (drums included) -- MuseGAN (Dong et al., AAAI 2018).
* ``UPC`` used pitch classes [count per non-empty bar], per pitched track -- MuseGAN.
* ``QN`` qualified-note rate [% of notes at least :data:`QN_MIN_STEPS` steps long] -- MuseGAN.
  The paper defines a qualified note as one of at least 3 time steps at 12 steps per beat (a 16th
  note); the official MuseGAN code uses a threshold of 2. **We use the paper's 3.**
* ``DP`` drum-pattern rate [% of drum onsets on the 8th/16th grid, MuseGAN's partial credit for the
  steps between] -- MuseGAN.
* ``TD`` tonal distance [Euclidean distance in Harte et al.'s 6-D tonal space, per beat, averaged]
  between two pitched tracks -- Harte, Sandler & Gasser 2006, as used by MuseGAN.
* chord-tone rate [share 0..1 of pitched note-time on a tone of the sounding chord], against
  ground-truth chords (``song.chords`` of the jazz corpus) or the template chord recogniser of
  :mod:`companion.harmony` (re-exported here as :func:`recognise_chords` and :data:`CHORD_TEMPLATES`).
* register adherence [share 0..1 of a track's notes inside its register], e.g.
  :data:`companion.theory.JAZZ_REGISTERS`.
* copy rate [share 0..1 of generated 4-bar windows found verbatim in the training songs].
* diversity [mean pairwise Jaccard distance 0..1 between the songs' first bars; 0 = all identical].
* voice-crossing rate [share 0..1 of the steps with two SATB voices sounding where a lower one is
  above a higher one] and chord-in-key rate [share 0..1 of recognised chords inside the song's
  estimated key]: the failures a listener hears, measured (lessons 02 and 05).

Every metric's equation is on the course's definitions page, ``notebooks/definitions.ipynb``.

:func:`song_metrics` and :func:`corpus_metrics` give the table row every lesson's ``evaluate``
prints; they pool counts over songs (see :func:`corpus_metrics`).

Notes on the independent implementations (``tests/test_metrics.py`` checks against both):

* pypianoroll 1.0.4's ``empty_beat_rate`` returns the rate of NON-empty beats (it counts
  ``reshaped.any(1)``), i.e. ``1 - empty rate``. Its chroma helper (used by
  ``n_pitch_classes_used``, ``tonal_distance`` and ``in_scale_rate``) folds pitches into 12 blocks of
  10 *consecutive* pitches instead of pitch classes; its ``qualified_note_rate`` pairs onsets and
  offsets in a time-major flattening (wrong as soon as two pitches overlap) and, on a boolean roll,
  finds no offsets at all (uint8 wrap-around); its ``tonal_distance`` normalises the chroma per
  time step and contracts the tonal matrix's 12 columns with the 12 *time steps* of a beat (so it
  runs only at resolution 12, and then measures something else), and sums over beats (Frobenius
  norm, NaN if a track is silent in any beat); its ``drum_in_pattern_rate`` at 12 steps per beat
  only accepts a roll of exactly one beat and weights active cells, not onsets.
* muspy 0.5 counts a note as sounding in the beat/measure of its exclusive end tick (``end // res``),
  so a note ending on a bar line also marks the next bar as non-empty.

The suite is split by concept, every name importable from here as before: :mod:`.analysis` (the song
encoded once, the counts), :mod:`.musegan` (EB, UPC, QN, DP, TD), :mod:`.harmonic` (chord tones,
registers, voice crossing, key) and :mod:`.corpus` (copy rate, diversity, the table row).

Used by notebooks 01_representing_music, 02_musegan, 03_image_gan, 04_gpt_chords, 05_event_tokens,
06_diminishing_returns and definitions.
"""

from __future__ import annotations

from ..song import ChordLabel, Song  # noqa: F401
from ..theory import CHORD_TEMPLATES, STEPS_PER_BEAT  # noqa: F401  the templates and the grid, MuseGAN's 12 steps per beat
from .analysis import (  # noqa: F401  (re-exported: the analysis, and the names this module always had)
    _TONAL_MATRIX,
    DRUM_GRID_STEPS,
    TEMPLATE_MASKS,
    TONAL_RADII,
    _Analysis,
    _grid,
    _Part,
    _ratio,
    _ratios,
    _tonal_matrix,
    best_templates,
    chord_mask,
)
from .corpus import (  # noqa: F401
    _add,
    _bar_digests,
    _clean,
    _copy_counts,
    _finish,
    _mean,
    _song_counts,
    _windows,
    copy_rate,
    corpus_metrics,
    diversity,
    song_metrics,
)
from .harmonic import (  # noqa: F401
    KEY_PROFILES,
    SATB,
    SCALES,
    _songs,
    chord_in_key_rate,
    chord_tone_rate,
    estimate_key,
    recognise_chords,
    register_adherence,
    voice_crossing_rate,
    walking_bass_rate,
)
from .musegan import (  # noqa: F401
    QN_MIN_STEPS,
    drum_pattern_rate,
    empty_bar_rate,
    qualified_note_rate,
    tonal_distance,
    used_pitch_classes,
)

__all__ = [
    "CHORD_TEMPLATES",
    "KEY_PROFILES",
    "QN_MIN_STEPS",
    "SATB",
    "SCALES",
    "STEPS_PER_BEAT",
    "chord_in_key_rate",
    "chord_tone_rate",
    "copy_rate",
    "corpus_metrics",
    "diversity",
    "drum_pattern_rate",
    "empty_bar_rate",
    "estimate_key",
    "qualified_note_rate",
    "recognise_chords",
    "register_adherence",
    "song_metrics",
    "tonal_distance",
    "used_pitch_classes",
    "voice_crossing_rate",
    "walking_bass_rate",
]
