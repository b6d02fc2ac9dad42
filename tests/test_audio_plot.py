"""Hear and see: the numpy synthesiser, WAV export, piano-roll plots."""

import io
import wave

import numpy as np
import pytest

from companion import CodecError
from companion.audio import SAMPLE_RATE, play, render, to_wav_bytes, write_wav
from companion.plot import plot_song, save_png


def test_numpy_render_is_finite_normalised_and_as_long_as_the_song(small_song):
    waveform = render(small_song, renderer="numpy")
    assert waveform.dtype == np.float32 and np.isfinite(waveform).all()
    assert np.abs(waveform).max() == pytest.approx(0.9, abs=1e-3)
    assert len(waveform) / SAMPLE_RATE == pytest.approx(small_song.duration_seconds + 0.3, abs=0.05)


def test_rendering_is_deterministic(small_song):
    assert np.array_equal(render(small_song, renderer="numpy"), render(small_song, renderer="numpy"))


def test_louder_notes_are_louder():
    from companion import Note, Song, Track

    song = Song([Track("a", notes=[Note(0, 60, 480, 20), Note(960, 60, 480, 120)])])  # 100 bpm: 0.6 s a beat
    waveform = render(song, renderer="numpy")
    first, second = waveform[: int(0.6 * SAMPLE_RATE)], waveform[int(1.2 * SAMPLE_RATE) : int(1.8 * SAMPLE_RATE)]
    assert np.abs(second).max() > 5 * np.abs(first).max()


def test_wav_export(small_song, tmp_path):
    path = write_wav(small_song, tmp_path / "small.wav", renderer="numpy")
    with wave.open(str(path)) as handle:
        assert handle.getframerate() == SAMPLE_RATE and handle.getnchannels() == 1
        assert handle.getnframes() > SAMPLE_RATE * 2
    with wave.open(io.BytesIO(to_wav_bytes(np.zeros(10)))) as handle:
        assert handle.getnframes() == 10


def test_play_returns_a_notebook_audio_player(small_song):
    assert "audio" in play(small_song, renderer="numpy")._repr_html_().lower()


def test_very_long_songs_are_refused():
    from companion import Note, Song, Track

    with pytest.raises(CodecError, match="render limit"):
        render(Song([Track("a", notes=[Note(0, 60, 480 * 10_000)])], title="long"))


def test_plot_draws_every_track_with_octave_lines(small_song, tmp_path):
    ax = plot_song(small_song)
    assert len(ax.collections) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["C2", "C3", "C4", "C5"]
    save_png(small_song, tmp_path / "small.png")
    assert (tmp_path / "small.png").read_bytes()[:4] == b"\x89PNG"
