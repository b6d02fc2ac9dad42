"""Chord templates and template recognition (companion.harmony): what the event codec writes as Chord
tokens and the metric suite scores chord-tone rate against, from one module below both."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from companion import harmony, metrics
from companion.song import Note, Song, Track

Q = 480  # ticks per beat


def test_a_c_major_triad_is_recognised_as_cmaj():
    triad = Song(tracks=[Track("piano", notes=[Note(0, p, Q) for p in (60, 64, 67)])], resolution=Q)
    [label] = harmony.recognise_chords(triad)
    assert (label.tick, label.duration, label.name) == (0, Q, "Cmaj")


def test_the_core_works_on_per_beat_chroma():
    # Beat 0: C E G A, which Am7 and C6 cover equally: the bass (A) decides. Beat 1: silent.
    chroma = np.zeros((2, 12), dtype=np.int64)
    chroma[0, [0, 4, 7, 9]] = 12
    best = harmony.best_templates(chroma, bass=np.array([9, 0]))
    assert best[1] == -1
    assert harmony.TEMPLATE_LABELS[best[0]] == (9, "m7")
    assert [c.name for c in harmony.chord_labels(best, Q)] == ["Am7"]
    assert harmony.chord_mask(9, "m7").nonzero()[0].tolist() == [0, 4, 7, 9]


def test_metrics_re_exports_the_one_recogniser():
    assert metrics.recognise_chords is harmony.recognise_chords
    assert metrics.CHORD_TEMPLATES is harmony.CHORD_TEMPLATES
    assert metrics.STEPS_PER_BEAT == harmony.STEPS_PER_BEAT


def test_the_event_codec_does_not_import_the_metric_suite():
    code = "import sys, companion.codecs.events; print('companion.metrics' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
