"""Hear a :class:`~companion.song.Song`: render it to a waveform, play it in a notebook, save a WAV.

Two renderers, picked automatically:

* ``"fluidsynth"`` -- General MIDI sounds from the TimGM6mb.sf2 soundfont that pretty_midi ships,
  where libfluidsynth (Debian ``libfluidsynth3``), ``pyfluidsynth`` and ``pretty_midi`` are installed
  (``pip install companion[fluidsynth]``; Binder's ``apt.txt`` installs the library);
* ``"numpy"`` -- a small additive synthesiser (four harmonics, attack/decay/release envelope; noise
  and a pitch-swept sine for drums). Always available, deterministic, about 0.06 s per chorale.

Used by notebooks 00_tour, 01_representing_music and every lesson's listening cells.
"""

from __future__ import annotations

import io
import os
import wave
from pathlib import Path

import numpy as np

from .errors import CodecError
from .files import write_atomically
from .song import Song

SAMPLE_RATE = 22050
MAX_SECONDS = 900.0
"""Longest song rendered (15 minutes); crop longer songs with ``song.crop`` first."""


def fluidsynth_available() -> bool:
    """True when the fluidsynth renderer can run here (library, bindings and soundfont)."""
    try:
        import fluidsynth  # noqa: F401  (pyfluidsynth)
        import pretty_midi
    except (ImportError, OSError):
        return False
    return (Path(pretty_midi.__file__).parent / "TimGM6mb.sf2").exists()


def render(song: Song, sample_rate: int = SAMPLE_RATE, renderer: str = "auto") -> np.ndarray:
    """The song as a mono float32 waveform in [-1, 1].

    Args:
        song: what to render.
        sample_rate: samples per second.
        renderer: ``"auto"`` (fluidsynth where available, else numpy), ``"fluidsynth"`` or ``"numpy"``.
    """
    seconds = song.duration_seconds
    if seconds > MAX_SECONDS:
        raise CodecError(f"{song.title or 'song'}: {seconds:.0f} s is longer than the {MAX_SECONDS:.0f} s render limit")
    if renderer == "auto":
        renderer = "fluidsynth" if fluidsynth_available() else "numpy"
    if renderer == "fluidsynth":
        wave_ = _render_fluidsynth(song, sample_rate)
    elif renderer == "numpy":
        wave_ = _render_numpy(song, sample_rate)
    else:
        raise ValueError(f"unknown renderer {renderer!r}")
    peak = float(np.abs(wave_).max(initial=0.0))
    return (wave_ * (0.9 / peak) if peak > 0 else wave_).astype(np.float32)


def _render_fluidsynth(song: Song, sample_rate: int) -> np.ndarray:
    import pretty_midi

    from .midi import midi_bytes

    pm = pretty_midi.PrettyMIDI(io.BytesIO(midi_bytes(song)))
    sf2 = Path(pretty_midi.__file__).parent / "TimGM6mb.sf2"
    return pm.fluidsynth(fs=sample_rate, sf2_path=str(sf2))


def _render_numpy(song: Song, sample_rate: int) -> np.ndarray:
    length = int(np.ceil((song.duration_seconds + 0.3) * sample_rate)) + 1
    out = np.zeros(length, dtype=np.float64)
    rng = np.random.default_rng(0)  # drum noise: same song, same samples
    noise = rng.uniform(-1.0, 1.0, int(0.4 * sample_rate))
    harmonics = np.array([1.0, 0.5, 0.25, 0.125])
    for track in song.tracks:
        for note in track.notes:
            start = int(song.tick_to_seconds(note.start) * sample_rate)
            seconds = song.tick_to_seconds(note.end) - song.tick_to_seconds(note.start)
            gain = (note.velocity / 127.0) ** 1.5
            if track.is_drum:
                part = _drum(note.pitch, noise, sample_rate) * gain
            else:
                part = _tone(note.pitch, seconds, sample_rate, harmonics) * gain
            end = min(start + len(part), length)
            out[start:end] += part[: end - start]
    return out


def _tone(pitch: int, seconds: float, sample_rate: int, harmonics: np.ndarray) -> np.ndarray:
    release = 0.06
    n = int((seconds + release) * sample_rate)
    t = np.arange(n) / sample_rate
    freq = 440.0 * 2.0 ** ((pitch - 69) / 12.0)
    partials = harmonics[: max(1, int(min(len(harmonics), (sample_rate / 2) // freq)))]
    wave_ = np.zeros(n)
    for k, amp in enumerate(partials, start=1):
        wave_ += amp * np.sin(2 * np.pi * freq * k * t)
    envelope = np.minimum(1.0, t / 0.008) * np.exp(-t * 1.6)
    envelope *= np.clip((seconds + release - t) / release, 0.0, 1.0)
    return wave_ * envelope * 0.25


def _drum(pitch: int, noise: np.ndarray, sample_rate: int) -> np.ndarray:
    if pitch in (35, 36):  # kick: a falling sine
        t = np.arange(int(0.25 * sample_rate)) / sample_rate
        return np.sin(2 * np.pi * (50 + 80 * np.exp(-t * 30)) * t) * np.exp(-t * 18) * 0.8
    decay = 40.0 if pitch in (42, 44) else (8.0 if pitch in (49, 51, 57, 59) else 20.0)
    t = np.arange(len(noise)) / sample_rate
    return noise * np.exp(-t * decay) * 0.3


def to_wav_bytes(waveform: np.ndarray, sample_rate: int = SAMPLE_RATE) -> bytes:
    """16-bit mono PCM WAV bytes of a waveform in [-1, 1]."""
    pcm = (np.clip(waveform, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(pcm.tobytes())
    return buffer.getvalue()


def write_wav(song: Song, path: str | os.PathLike, sample_rate: int = SAMPLE_RATE, renderer: str = "auto") -> Path:
    """Render ``song`` and save it as a 16-bit mono WAV file (whole or not at all); returns the path.
    Raises CompanionError naming the file when its folder is missing or read-only."""
    return write_atomically(path, to_wav_bytes(render(song, sample_rate, renderer), sample_rate))


def play(song: Song, sample_rate: int = SAMPLE_RATE, renderer: str = "auto"):
    """An ``IPython.display.Audio`` player for the song (the notebooks' listening cells)."""
    from IPython.display import Audio

    return Audio(render(song, sample_rate, renderer), rate=sample_rate)
