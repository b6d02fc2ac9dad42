"""MuseGAN's representation (lesson 02): songs as binary rolls cut into 4-bar phrases, and back.

**The grid.** Every song in 4/4 becomes a binary roll at MuseGAN's grid -- 12 steps per beat
(:data:`companion.theory.STEPS_PER_BEAT`), 48 per bar, 84 pitches from MIDI 24 (C1) to 107 (B7);
notes outside that window are dropped (and counted). A training batch is phrases of 4 consecutive
bars starting on any bar line inside one song: tensors ``(batch, tracks, 4, 48, 84)``
(:class:`Phrases`).

**Writing back (the seed's ``fs`` problem).** A roll is steps x pitches; it does not say how long a
step lasts. The seed report could not write its predictions back to MIDI because
``pypianoroll.Multitrack`` wanted a sampling rate it could not recover. Here the codec *carries* what
the roll lacks -- steps per beat, the lowest pitch, the tracks (name, program, drum flag, velocity: the
median of the training notes), a tempo (the median of the training songs) and the 4/4 metre -- so
:meth:`PhraseRollCodec.decode` turns a roll into a :class:`~companion.song.Song` at 480 ticks per beat
with no guesswork, and the sampling rate is simply ``steps_per_beat * bpm / 60`` steps per second.

**The decoding rule.** The generator outputs a probability per cell; ``decoding`` (stored with the
codec) says how a roll is read from it: ``"hysteresis"`` -- on above 0.5, held while above 0.4
(:func:`companion.models.musegan.hysteresis_threshold`). Each run of active steps of a pitch is then one
note.

Used by :mod:`companion.pipelines.musegan`, so by notebooks 02 and 06.
"""

from __future__ import annotations

import statistics
from typing import Any, ClassVar

import numpy as np
import torch

from ..errors import CodecError
from ..song import Song, Tempo, TimeSignature, Track
from ..theory import BEATS_PER_BAR, RESOLUTION, STEPS_PER_BEAT
from . import pianoroll
from .base import Codec

BARS = 4
STEPS_PER_BAR = BEATS_PER_BAR * STEPS_PER_BEAT
LOWEST_PITCH = 24
PITCHES = 84
DECODING = {"method": "hysteresis", "on": 0.5, "hold": 0.4}
"""How a generated roll is read from the generator's probabilities (stored with the codec)."""


def in_four_four(song: Song) -> bool:
    return {(ts.numerator, ts.denominator) for ts in song.time_signatures} == {(4, 4)}


def inside_window(song: Song) -> tuple[Song, int]:
    """The song without notes outside MIDI 24..107, and how many were dropped."""
    high = LOWEST_PITCH + PITCHES - 1
    kept = [[n for n in t.notes if LOWEST_PITCH <= n.pitch <= high] for t in song.tracks]
    lost = song.num_notes - sum(len(k) for k in kept)
    if not lost:
        return song, 0
    tracks = [Track(t.name, t.program, t.is_drum, k) for t, k in zip(song.tracks, kept)]
    return song.copy(tracks=tracks), lost


def bar_roll(song: Song, num_bars: int) -> np.ndarray:
    """The song's first ``num_bars`` bars as a bool roll (tracks, bars, 48, 84) (the song already
    inside the pitch window).

    Raises:
        CodecError: a roll over the memory cap of :func:`companion.codecs.pianoroll.encode`.
    """
    roll = pianoroll.encode(song, STEPS_PER_BEAT, LOWEST_PITCH, PITCHES, quantize=True,
                            num_steps=num_bars * STEPS_PER_BAR)  # fmt: skip
    return roll.active.reshape(len(song.tracks), num_bars, STEPS_PER_BAR, PITCHES)


class Phrases:
    """The training rolls of a corpus, ready to be cut into 4-bar phrases.

    Attributes:
        rolls: bool tensor (tracks, total_bars, 48, 84): every usable song, padded to whole bars, end to end.
        starts: first bar of every phrase that lies inside one song.
        tracks: the track templates (name, program, is_drum).
        bpm: the median tempo of the songs; velocities: the median velocity of each track.
        skipped: titles of songs left out (not 4/4, other track layout) and notes dropped outside 24..107.
    """

    def __init__(self, songs: list[Song], max_bars: int | None = None) -> None:
        if not songs:
            raise CodecError("no training songs")
        template = songs[0]
        self.tracks = [Track(t.name, t.program, t.is_drum) for t in template.tracks]
        layout = [(t.name, t.is_drum) for t in template.tracks]
        rolls, starts, bpms, skipped = [], [], [], []
        velocities: list[list[int]] = [[] for _ in self.tracks]
        dropped = 0
        bar = 0
        for song in songs:
            if not in_four_four(song) or [(t.name, t.is_drum) for t in song.tracks] != layout:
                skipped.append(song.title)
                continue
            num_bars = song.num_bars if max_bars is None else min(song.num_bars, max_bars - bar)
            if num_bars <= 0:
                break
            song, lost = inside_window(song)
            try:
                roll = bar_roll(song, num_bars)
            except CodecError as exc:  # too long for the roll's memory cap ...: left out, not fatal
                skipped.append(f"{song.title} ({exc})")
                continue
            dropped += lost
            rolls.append(torch.from_numpy(roll))
            starts.extend(range(bar, bar + num_bars - BARS + 1))
            bar += num_bars
            bpms.append(song.tempos[0].bpm if song.tempos else 120.0)
            for i, track in enumerate(song.tracks):
                velocities[i].extend(n.velocity for n in track.notes)
        if not starts:
            raise CodecError(f"no 4-bar phrase in 4/4 with tracks {[n for n, _ in layout]} among {len(songs)} songs")
        self.rolls = torch.cat(rolls, 1)
        self.starts = torch.tensor(starts, dtype=torch.long)
        self.bpm = float(statistics.median(bpms))
        self.velocities = [int(statistics.median(v)) if v else 90 for v in velocities]
        self.skipped = skipped
        self.dropped_notes = dropped

    @property
    def bars(self) -> int:
        return self.rolls.shape[1]

    def pitch_frequency(self) -> torch.Tensor:
        """(tracks, pitches): the share of steps in which each pitch of each track sounds."""
        return self.rolls.float().mean((1, 2))

    def sample(self, batch_size: int, generator: torch.Generator) -> torch.Tensor:
        """``batch_size`` random phrases as a float tensor (batch, tracks, 4, 48, 84)."""
        picks = self.starts[torch.randint(len(self.starts), (batch_size,), generator=generator)]
        bars = picks[:, None] + torch.arange(BARS)
        return self.rolls[:, bars].transpose(0, 1).float()

    def codec(self) -> PhraseRollCodec:
        """The codec that writes rolls of these phrases back: their tracks, velocities and tempo."""
        tracks = [{"name": t.name, "program": t.program, "is_drum": t.is_drum, "velocity": v}
                  for t, v in zip(self.tracks, self.velocities)]  # fmt: skip
        return PhraseRollCodec(tracks, self.bpm)


class PhraseRollCodec(Codec):
    """Binary rolls (tracks, bars, 48, 84) <-> songs, with what the roll lacks (see the module docstring).

    Args:
        tracks: one ``{"name", "program", "is_drum", "velocity"}`` per track.
        bpm: the tempo songs are written at.
        decoding: the rule a roll is read from probabilities with (default :data:`DECODING`).
    """

    name: ClassVar[str] = "phrase-roll"

    def __init__(self, tracks: list[dict[str, Any]], bpm: float, decoding: dict[str, Any] | None = None, *,
                 steps_per_beat: int = STEPS_PER_BEAT, bars: int = BARS, lowest_pitch: int = LOWEST_PITCH,
                 pitches: int = PITCHES, resolution: int = RESOLUTION,
                 time_signature: tuple[int, int] = (4, 4)) -> None:  # fmt: skip
        self.tracks = [dict(t) for t in tracks]
        self.bpm = float(bpm)
        self.decoding = dict(decoding or DECODING)
        self.steps_per_beat, self.bars, self.resolution = steps_per_beat, bars, resolution
        self.lowest_pitch, self.pitches = lowest_pitch, pitches
        self.time_signature = tuple(time_signature)

    @property
    def sampling_rate(self) -> float:
        """Steps per second of the rolls (the ``fs`` the seed could not recover)."""
        return self.steps_per_beat * self.bpm / 60.0

    def encode(self, song: Song) -> np.ndarray:
        """A song in 4/4 with this codec's track layout as a bool roll (tracks, bars, 48, 84); notes
        outside the pitch window are dropped.

        Raises:
            CodecError: another metre or track layout, or a roll over the memory cap.
        """
        layout = [(t["name"], t["is_drum"]) for t in self.tracks]
        if not in_four_four(song) or [(t.name, t.is_drum) for t in song.tracks] != layout:
            raise CodecError(f"{song.title}: not a 4/4 song with tracks {[n for n, _ in layout]}")
        return bar_roll(inside_window(song)[0], song.num_bars)

    def decode(self, data: Any, *, title: str = "") -> Song:
        """A Song from a binary roll (tracks, bars, 48, 84) or (tracks, steps, 84), at the codec's tempo
        and 480 ticks per beat; each run of active steps of a pitch becomes one note."""
        active = np.asarray(data, dtype=bool)
        active = active.reshape(active.shape[0], -1, active.shape[-1])
        velocities = np.zeros(active.shape, dtype=np.uint8)
        velocities[:] = np.array([t["velocity"] for t in self.tracks], dtype=np.uint8)[:, None, None]
        numerator, denominator = self.time_signature
        grid = pianoroll.Roll(
            active=active,
            onsets=None,
            velocities=velocities,
            steps_per_beat=self.steps_per_beat,
            lowest_pitch=self.lowest_pitch,
            tracks=[Track(t["name"], t["program"], t["is_drum"]) for t in self.tracks],
            tempos=[Tempo(0, self.bpm)],
            time_signatures=[TimeSignature(0, numerator, denominator)],
        )
        return pianoroll.decode(grid, resolution=self.resolution, title=title)

    def to_dict(self) -> dict[str, Any]:
        return {
            "codec": self.name,
            "steps_per_beat": self.steps_per_beat,
            "bars": self.bars,
            "lowest_pitch": self.lowest_pitch,
            "pitches": self.pitches,
            "resolution": self.resolution,
            "bpm": self.bpm,
            "time_signature": list(self.time_signature),
            "decoding": dict(self.decoding),
            "tracks": [dict(t) for t in self.tracks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PhraseRollCodec:
        """The codec of a :meth:`to_dict`, or of a checkpoint's ``codec`` written before the registry
        (no ``"codec"`` key; the missing keys take today's values)."""
        if data.get("codec", cls.name) != cls.name:
            raise CodecError(f"not a {cls.name} codec: {data.get('codec')!r}")
        options = ("steps_per_beat", "bars", "lowest_pitch", "pitches", "resolution", "time_signature")
        return cls(data["tracks"], data["bpm"], data.get("decoding"), **{k: data[k] for k in options if k in data})
