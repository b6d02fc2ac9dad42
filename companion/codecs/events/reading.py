"""Reading event tokens back into a song: the tolerant grammar of :meth:`EventCodec.decode`.

:class:`_Reader` takes tokens one at a time and keeps the state the grammar needs (header instruments,
the current bar, time, track, chord root and octave, the note being written). A token that does not fit
where it stands (a pitch class without an octave, a duration without a pitch, an instrument after the
first Bar ...) is skipped, so any model output decodes.

Used by notebooks 05_event_tokens and 06_diminishing_returns (through :mod:`companion.codecs.events`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...song import ChordLabel, Note, Song, Tempo, TimeSignature, Track
from .vocab import (
    CHORD0,
    CHORD_N,
    CHORD_QUALITIES,
    DRUMS,
    DUR_NUDGE,
    DURATION0,
    DURATIONS,
    EOS,
    FAMILY0,
    FINE_STEPS_PER_BEAT,
    FRAME,
    MEMBER0,
    NUDGE,
    OCTAVE0,
    PITCH0,
    POSITION0,
    TIME_SIGNATURES,
    TIMESIG0,
    TRACK0,
    VELOCITY0,
    VELOCITY_LEVELS,
    token_kind,
)


class _Reader:
    """The decoder's state while it reads one token sequence (times in fine steps of 1/24 beat).

    Args:
        layout: the fitted track layout (name, program, drums), for track slots the header lacks.
        degrees: pitch tokens are degrees above the current chord root (drums stay absolute).
        fine: ticks per fine step of the song being built.
    """

    def __init__(self, layout: list[tuple[str, int, bool]], degrees: bool, fine: int) -> None:
        self.layout = layout
        self.degrees = degrees
        self.fine = fine
        self.programs: list[tuple[int, bool]] = []
        self.signatures: list[TimeSignature] = []
        self.chords: list[tuple[int, int]] = []  # (fine time, chord token)
        self.notes: dict[int, list[Note]] = {}
        self.signature: tuple[int, int] | None = None
        self.bar_start: int | None = None  # fine time of the current bar (None before the first Bar)
        self.time = self.track = self.root = 0
        self.octave: int | None = None
        self.family: int | None = None
        self.note: list[int] | None = None  # [track, start, pitch, duration, velocity], fine steps
        self.level = 128 // VELOCITY_LEVELS
        self.end_tick = 0  # where the last kept note ends, in ticks (the song's end_tick)

    def bar_length(self) -> int:
        signature = self.signature
        return FINE_STEPS_PER_BEAT * 4 * signature[0] // signature[1] if signature else 4 * FINE_STEPS_PER_BEAT

    def slot(self, i: int) -> tuple[int, bool]:
        """(program, drums) of track slot i: from the header, else the fitted layout (model output
        whose header is short or garbled still gets the corpus's instruments)."""
        if i < len(self.programs):
            return self.programs[i]
        if i < len(self.layout):
            return self.layout[i][1], self.layout[i][2]
        return 0, False

    def flush(self) -> None:
        """Keep the note being written, if it has a duration."""
        if self.note is not None and self.note[3] > 0:
            t, start, pitch, duration, velocity = self.note
            note = Note(start * self.fine, pitch, duration * self.fine, velocity)
            self.notes.setdefault(t, []).append(note)
            self.end_tick = max(self.end_tick, note.end)
        self.note = None

    def sounding_end(self) -> int:
        """The ``end_tick`` of the song read so far, as :meth:`song` after :meth:`flush` would give it,
        without flushing (the note being written may still grow)."""
        if self.note is not None and self.note[3] > 0:
            return max(self.end_tick, self.note[1] * self.fine + self.note[3] * self.fine)
        return self.end_tick

    def first_signature(self) -> tuple[int, int]:
        """The song's first time signature, as :meth:`song` would give it (4/4 unless one is at tick 0)."""
        first = self.signatures[0] if self.signatures and self.signatures[0].tick == 0 else None
        return (first.numerator, first.denominator) if first else (4, 4)

    def read(self, token: int) -> None:
        """One token (not EOS): it extends the current note, or closes it and moves the state on."""
        kind = token_kind(token)
        if kind == "duration" and self.note is not None:
            self.note[3] += 1 if token == DUR_NUDGE else 2 * DURATIONS[token - DURATION0]
            return
        if kind == "velocity" and self.note is not None and self.note[3] > 0:
            self.note[4] = (token - VELOCITY0) * self.level + self.level // 2
            return
        self.flush()
        previous_octave, self.octave = self.octave, None
        if kind == "timesig":
            self._time_signature(TIME_SIGNATURES[token - TIMESIG0])
        elif kind == "program":
            self._program(token)
        elif kind == "bar":
            self.bar_start = 0 if self.bar_start is None else self.bar_start + self.bar_length()
            self.time = self.bar_start
        elif self.bar_start is None:
            return  # body tokens before the first Bar
        elif kind == "position":
            self.time = self.time + 1 if token == NUDGE else self.bar_start + 2 * (token - POSITION0)
        elif kind == "chord":
            self.chords.append((self.time, token))
            self.root = 0 if token == CHORD_N else (token - CHORD0) % 12
        elif kind == "track":
            self.track = token - TRACK0
        elif kind == "octave":
            self.octave = token - OCTAVE0
        elif kind == "pitch" and previous_octave is not None:
            pc = token - PITCH0
            if self.degrees and not self.slot(self.track)[1]:
                pc = (pc + self.root) % 12
            pitch = 12 * previous_octave + pc
            if pitch <= 127:
                self.note = [self.track, self.time, pitch, 0, 90]

    def _time_signature(self, new: tuple[int, int]) -> None:
        tick = (self.bar_start or 0) * self.fine
        if new != self.signature:
            if self.signatures and self.signatures[-1].tick == tick:
                self.signatures.pop()
            self.signatures.append(TimeSignature(tick, *new))
            self.signature = new

    def _program(self, token: int) -> None:
        if self.bar_start is not None:
            return  # instruments belong to the header
        if token == DRUMS:
            self.programs.append((0, True))
            self.family = None
        elif token < MEMBER0:
            self.family = token - FAMILY0
        elif self.family is not None:
            self.programs.append((self.family * 8 + token - MEMBER0, False))
            self.family = None

    def song(
        self, track_name: Callable[[int, int, bool], str], *, resolution: int, bpm: float, title: str
    ) -> Song:
        """The song read so far (call :meth:`flush` first): tracks named by ``track_name(index, program,
        drums)``, chord labels held to the next change or the end."""
        fine = self.fine
        signatures = self.signatures
        if not signatures or signatures[0].tick != 0:
            signatures.insert(0, TimeSignature(0, 4, 4))
        num_tracks = max([len(self.programs)] + [t + 1 for t in self.notes])
        song_tracks = []
        for i in range(num_tracks):
            program, drum = self.slot(i)
            song_tracks.append(Track(track_name(i, program, drum), program, drum, sorted(self.notes.get(i, []))))
        end = max((n.end for t in song_tracks for n in t.notes), default=0)
        if self.bar_start is not None:
            end = max(end, (self.bar_start + self.bar_length()) * fine)
        chords = self.chords
        labels = []
        for k, (t, token) in enumerate(chords):
            stop = chords[k + 1][0] * fine if k + 1 < len(chords) else end
            if token != CHORD_N and stop > t * fine:
                index = token - CHORD0
                labels.append(ChordLabel(t * fine, stop - t * fine, index % 12, CHORD_QUALITIES[index // 12]))
        return Song(
            tracks=song_tracks,
            resolution=resolution,
            tempos=[Tempo(0, bpm)],
            time_signatures=signatures,
            chords=labels,
            title=title,
        )


class RunningLength:
    """How long the song of a growing token sequence is, read token by token: after :meth:`read` of
    each new token, :meth:`end_and_bar` is ``(song.end_tick, song.ticks_per_bar)`` of
    :meth:`EventCodec.decode <companion.codecs.events.EventCodec.decode>` of all tokens so far, without
    decoding them again (what GPT sampling checks after every chunk). None once a ``Frame`` token is
    read before any EOS: ``decode`` then reads the JSB frame serialisation, which this does not follow.

    Args:
        layout, degrees: as :class:`_Reader` (the codec's fitted layout and pitch mode).
        resolution: ticks per beat of the song ``decode`` would build.
    """

    def __init__(self, layout: list[tuple[str, int, bool]], degrees: bool, resolution: int) -> None:
        self.reader = _Reader(layout, degrees, resolution // FINE_STEPS_PER_BEAT)
        self.resolution = resolution
        self.stopped = False  # an EOS was read: decode ignores everything after it
        self.frames = False

    def read(self, tokens: Sequence[int]) -> None:
        for token in tokens:
            if self.stopped:
                return
            if token == EOS:
                self.stopped = True
                return
            if token == FRAME:
                self.frames = True
            self.reader.read(token)

    def end_and_bar(self) -> tuple[int, int] | None:
        if self.frames:
            return None
        numerator, denominator = self.reader.first_signature()
        return self.reader.sounding_end(), self.resolution * 4 * numerator // denominator
