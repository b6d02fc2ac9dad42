"""Shared fixtures: the shipped JSB file and small hand-made songs."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion import Note, Song, Tempo, TimeSignature, Track

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def jsb_path() -> Path:
    """The JSB Chorales file shipped inside the package (sha256-checked)."""
    from companion.polyphonic import shipped_file

    return shipped_file("jsb")


@pytest.fixture
def small_song() -> Song:
    """Two pitched tracks and drums, two tempo changes, 3/4, a repeated note and a triplet."""
    melody = Track(
        "melody",
        66,
        False,
        [
            Note(0, 72, 480, 100),
            Note(480, 72, 480, 90),  # same pitch again: a roll without onsets would merge it
            Note(960, 74, 160, 80),  # a triplet eighth
            Note(1120, 76, 160, 80),
            Note(1280, 77, 160, 80),
        ],
    )
    bass = Track("bass", 32, False, [Note(0, 36, 1440, 70), Note(1440, 43, 720, 70)])
    drums = Track("drums", 0, True, [Note(0, 36, 120, 110), Note(480, 38, 120, 90), Note(960, 42, 120, 60)])
    return Song(
        tracks=[melody, bass, drums],
        resolution=480,
        tempos=[Tempo(0, 120.0), Tempo(1440, 90.0)],
        time_signatures=[TimeSignature(0, 3, 4)],
        title="small",
    )
