"""The event codec's frame serialisation of the JSB benchmark: ``BOS (Frame (Octave Pitch)*)* EOS``.

Binary quarter-note frames (88 keys from A0, no onsets) written one ``Frame`` token per frame and one
``Octave Pitch`` pair per held key, ascending. It is an exact bijection with the frames, so the sum of a
model's token NLLs is exactly ``-log p(frames)`` and the NLL per frame compares with lesson 04 and with
Bai et al. (2018). :class:`companion.codecs.events.EventCodec` delegates its frame methods here.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns (the polyphonic benchmarks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...errors import CodecError
from ...song import Song, Tempo, TimeSignature, Track
from ...theory import JSB_LOWEST_PITCH, RESOLUTION
from .vocab import BOS, EOS, FRAME, NUM_OCTAVES, OCTAVE0, PITCH0, VOCAB


def check_frames(frames: np.ndarray) -> np.ndarray:
    """``frames`` as a (T, 88) bool array; :class:`CodecError` for another shape or non-binary values."""
    frames = np.asarray(frames)
    if frames.ndim != 2 or frames.shape[1] != 88:
        raise CodecError(f"frames must be (T, 88) binary arrays (keys from MIDI 21), got shape {frames.shape}")
    if frames.size and (frames.min() < 0 or frames.max() > 1):
        raise CodecError("frames must be binary (0/1)")
    return frames.astype(bool)


def encode_frames(frames: np.ndarray) -> tuple[list[int], list[int]]:
    """The JSB serialisation ``BOS (Frame (Octave Pitch)*)* EOS``, pitches ascending, and the frame
    of every token after BOS: a frame's Frame token, its pitches and the token that closes it
    (the next Frame, or EOS) belong to it, so the per-frame NLLs sum to ``-log p(frames, end)``."""
    frames = check_frames(frames)
    tokens, frame_of = [BOS], []
    rows, cols = np.nonzero(frames)
    bounds = np.searchsorted(rows, np.arange(len(frames) + 1)).tolist()
    pitches = (cols + JSB_LOWEST_PITCH).tolist()
    for t in range(len(frames)):
        tokens.append(FRAME)
        frame_of.append(max(t - 1, 0))  # the Frame token closes the previous frame
        for p in pitches[bounds[t] : bounds[t + 1]]:
            tokens += [OCTAVE0 + p // 12, PITCH0 + p % 12]
            frame_of += [t, t]
    tokens.append(EOS)
    frame_of.append(max(len(frames) - 1, 0))
    return tokens, frame_of


def decode_frames(tokens: Sequence[int]) -> np.ndarray:
    """(T, 88) uint8 frames of the JSB serialisation; stops at the first EOS, skips PAD/BOS and
    anything that is not ``Frame``, ``Octave`` or ``Pitch`` (tolerant of model output: a pitch
    outside the 88 keys, or without an octave, is dropped)."""
    rows: list[list[int]] = []
    octave = None
    for token in (int(t) for t in tokens):
        if token == EOS:
            break
        if not 0 <= token < len(VOCAB):
            raise CodecError(f"token {token} is outside the event vocabulary (0..{len(VOCAB) - 1})")
        if token == FRAME:
            rows.append([])
            octave = None
        elif OCTAVE0 <= token < OCTAVE0 + NUM_OCTAVES:
            octave = token - OCTAVE0
        elif PITCH0 <= token < PITCH0 + 12 and octave is not None and rows:
            key = 12 * octave + token - PITCH0 - JSB_LOWEST_PITCH
            if 0 <= key < 88:
                rows[-1].append(key)
            octave = None
        else:
            octave = None
    frames = np.zeros((len(rows), 88), dtype=np.uint8)
    for t, keys in enumerate(rows):
        frames[t, keys] = 1
    return frames


def frames_to_song(frames: np.ndarray, layout: list[tuple[str, int, bool]], bpm: float, *, title: str = "",
                   resolution: int = RESOLUTION) -> Song:  # fmt: skip
    """A one-track song (quarter-note frames, ``bpm``, 4/4, ``resolution`` ticks per beat) named and
    voiced as ``layout``'s first track; a pitch held over consecutive frames becomes one note (the frames
    cannot tell held from repeated). The one conversion of JSB-style frames to a Song: the event codec's
    decoding and the benchmark corpora (:func:`companion.data.frames_to_song`) both use it."""
    from .. import pianoroll

    name, program, drum = layout[0] if layout else ("Chorale", 52, False)
    roll = pianoroll.Roll(
        active=np.asarray(frames, dtype=bool)[None],
        onsets=None,
        velocities=None,
        steps_per_beat=1,
        lowest_pitch=JSB_LOWEST_PITCH,
        tracks=[Track(name, program, drum)],
        tempos=[Tempo(0, bpm)],
        time_signatures=[TimeSignature(0, 4, 4)],
    )
    return pianoroll.decode(roll, resolution=resolution, title=title)


def song_frames(song: Song) -> np.ndarray:
    """The (T, 88) binary quarter-note frames of a song (pitched tracks merged, notes rounded to the
    beat, pitches outside A0..C8 dropped): how a song enters the JSB serialisation."""
    from .. import pianoroll

    pitched = song.copy(tracks=[t for t in song.tracks if not t.is_drum])
    if pitched.num_notes == 0:
        return np.zeros((0, 88), dtype=np.uint8)
    roll = pianoroll.encode(pitched, 1, JSB_LOWEST_PITCH, 88, quantize=True)
    return roll.active.any(axis=0).astype(np.uint8)
