"""Rendering the jazz corpus's five parts over a chord progression: walking bass, comping, melody,
extensions and drums, each from its own rules and the shared random stream.

Used by notebooks 00_tour, 01_representing_music, 02_musegan and 05_event_tokens (through
:mod:`companion.jazz`).
"""

from __future__ import annotations

import random

from ..song import ChordLabel, Note
from .changes import BEATS_PER_BAR, CHORD_TONES, REGISTERS, RESOLUTION, SCALES, STEP, TICKS_PER_BAR, _Timeline
from .voicing import TENSIONS, _choose_voicing, _nearest, _pitches_of, _step_in_scale

DRUM_RIDE, DRUM_HIHAT_PEDAL, DRUM_KICK, DRUM_SNARE = 51, 44, 36, 38

# Comping rhythms as (start step, length in steps), 12 steps a beat: whole bars of one chord...
_BAR_COMPS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((0, 10), (20, 16)),  # Charleston: 1, and-of-2 held
    ((0, 10), (20, 16)),
    ((8, 12), (32, 8)),  # reverse: and-of-1, and-of-3
    ((0, 8), (20, 4), (32, 12)),
    ((8, 4), (20, 12)),
    ((20, 4), (44, 4)),  # and-of-2, and-of-4
    ((0, 24), (32, 8)),
    ((12, 4), (36, 4)),  # short on 2 and 4
    ((8, 8), (32, 12)),
)
# ... and half bars (two chords in the bar, 24 steps each).
_HALF_COMPS: tuple[tuple[tuple[int, int], ...], ...] = (
    ((0, 10),),
    ((8, 12),),
    ((0, 6), (20, 4)),
    ((0, 20),),
    ((8, 4), (20, 4)),
)

# Melody rhythm cells for one beat: (offset, duration) in ticks.
_SWING_EIGHTHS = ((0, 320), (320, 160))
_CELLS: tuple[tuple[tuple[int, int], ...], ...] = (
    _SWING_EIGHTHS,
    ((0, RESOLUTION),),  # quarter
    ((0, 160), (160, 160), (320, 160)),  # triplet eighths
    ((0, 320),),  # eighth then an eighth rest
    ((320, 160),),  # eighth rest then an off-beat eighth (push)
)
_CELL_WEIGHTS = (0.6, 0.2, 0.08, 0.06, 0.06)


# ----------------------------------------------------------------------------------------- parts
def _bass(r: random.Random, chords: list[ChordLabel]) -> list[Note]:
    """Walking quarter notes: root on each chord's first beat, chord/scale tones, chromatic approaches."""
    lo, hi = REGISTERS["bass"]
    notes: list[Note] = []
    prev = 40 + r.randint(-3, 3)
    target: int | None = None
    for i, chord in enumerate(chords):
        beats = chord.duration // RESOLUTION
        tones, scale = CHORD_TONES[chord.quality], SCALES[chord.quality]
        nxt = chords[i + 1] if i + 1 < len(chords) else None
        pitch = target if target is not None else _nearest(chord.root, prev, lo, hi)
        target = None
        line = [pitch]
        for b in range(1, beats):
            cur = line[-1]
            if b == beats - 1 and nxt is not None:
                target = _nearest(nxt.root, cur + r.choice((-2, 2)), lo, hi)
                fifths = [p for p in (target + 7, target - 5) if lo <= p <= hi and p != cur]
                u = r.random()
                if u < 0.6:  # chromatic approach from a semitone below or above
                    sides = [target - 1, target + 1]
                    r.shuffle(sides)
                    step = next(p for p in sides if lo <= p <= hi)
                elif u < 0.8 and fifths:  # the next chord's fifth, above or below the target
                    step = r.choice(fifths)
                else:  # a scale step towards the target
                    direction = 1 if target > cur else -1
                    step = _step_in_scale(cur, chord.root, scale, direction, lo, hi)
                    if step == target:
                        step = _step_in_scale(cur, chord.root, scale, -direction, lo, hi)
            elif b % 2 == 0 or r.random() < 0.4:  # a chord tone (not the same note again)
                back = line[-2] if len(line) > 1 else None  # no see-saw between two notes
                near = _pitches_of(chord.root, tones, lo, hi)
                options = [p for p in near if 0 < abs(p - cur) <= 7 and p != back]
                step = r.choice(options) if options else cur
            else:
                direction = r.choice((-1, 1)) if lo + 2 < cur < hi - 2 else (1 if cur <= lo + 2 else -1)
                step = _step_in_scale(cur, chord.root, scale, direction, lo, hi)
            line.append(step)
        for b, p in enumerate(line):
            accent = 8 if b % 2 else 0
            velocity = 74 + accent + r.randint(0, 16)
            notes.append(Note(chord.tick + b * RESOLUTION, p, RESOLUTION - STEP, velocity))
        prev = line[-1]
    return notes


def _comping(r: random.Random, timeline: _Timeline, num_bars: int) -> list[Note]:
    """Rootless voicings in syncopated swing rhythms, each chord voiced nearest the previous voicing."""
    notes: list[Note] = []
    previous: tuple[int, ...] | None = None
    voiced: dict[int, tuple[int, ...]] = {}
    for bar in range(num_bars):
        start = bar * TICKS_PER_BAR
        split = timeline.index_at(start) != timeline.index_at(start + TICKS_PER_BAR // 2)
        if split:
            hits = [(h0, hl) for h0, hl in r.choice(_HALF_COMPS)]
            hits += [(24 + h0, hl) for h0, hl in r.choice(_HALF_COMPS)]
        else:
            hits = list(r.choice(_BAR_COMPS))
        for step0, length in hits:
            tick = start + step0 * STEP
            ci = timeline.index_at(tick)
            chord = timeline.chords[ci]
            key = ci * 1000 + (tick - chord.tick) // TICKS_PER_BAR  # re-voice long chords bar by bar
            if key not in voiced:
                same_chord = (tick - chord.tick) >= TICKS_PER_BAR and previous is not None
                if same_chord and r.random() < 0.6:
                    voiced[key] = previous
                else:
                    voiced[key] = _choose_voicing(r, chord.root, chord.quality, previous)
            voicing = voiced[key]
            previous = voicing
            duration = min(length * STEP, chord.tick + chord.duration - tick)
            velocity = 52 + r.randint(0, 26)
            for j, p in enumerate(voicing):
                top = 6 if j == len(voicing) - 1 else 0
                notes.append(Note(tick, p, duration, min(127, velocity + top + r.randint(-4, 4))))
    return notes


def _melody_rhythm(r: random.Random, end: int) -> list[tuple[int, int, bool]]:
    """Phrases of swing eighths, quarters and triplets with rests between: (start, duration, phrase start)."""
    events: list[tuple[int, int, bool]] = []
    beat = r.choice((0, 0, 1, 2))
    total_beats = end // RESOLUTION
    while beat < total_beats - 1:
        length = min(r.randint(3, 11), total_beats - beat)
        first = True
        if beat > 0 and r.random() < 0.3:  # pickup: an off-beat eighth before the phrase
            events.append(((beat - 1) * RESOLUTION + 320, 160, True))
            first = False
        for k in range(length - 1):
            cell = r.choices(_CELLS, _CELL_WEIGHTS)[0]
            if first and cell[0][0] != 0:
                cell = _SWING_EIGHTHS
            for offset, duration in cell:
                events.append(((beat + k) * RESOLUTION + offset, duration, first))
                first = False
        last = (beat + length - 1) * RESOLUTION
        hold = r.choice((1, 1, 2, 2, 3)) * RESOLUTION - (STEP * 2 if r.random() < 0.5 else 0)
        hold = min(hold, end - last)
        events.append((last, hold, first))
        beat = -(-(last + hold) // RESOLUTION) + r.choice((1, 1, 2, 2, 3, 4))
    return events


def _melody(r: random.Random, timeline: _Timeline, end: int) -> list[Note]:
    """Pitches for the rhythm: chord tones on beats 1 and 3, scale and approach tones in between."""
    lo, hi = REGISTERS["melody"]
    pitches: list[int] = []
    events = _melody_rhythm(r, end)
    cur = 70 + r.randint(-4, 4)
    direction = r.choice((-1, 1))
    velocity = 90
    for i, (tick, _, phrase_start) in enumerate(events):
        chord = timeline.at(tick)
        tones, scale = CHORD_TONES[chord.quality], SCALES[chord.quality]
        if phrase_start:
            direction = r.choice((-1, 1))
            velocity = 82 + r.randint(0, 18)
        if cur > hi - 5:
            direction = -1
        elif cur < lo + 5:
            direction = 1
        elif r.random() < 0.15:
            direction = -direction
        strong = tick % (2 * RESOLUTION) == 0
        on_beat = tick % RESOLUTION == 0
        if (strong and r.random() < 0.93) or (on_beat and not strong and r.random() < 0.55) or phrase_start:
            aim = cur + direction * r.choice((1, 2, 3, 4))
            options = [p for p in _pitches_of(chord.root, tones, lo, hi) if p != cur] or [cur]
            pitch = min(options, key=lambda p: abs(p - aim))
            prev_end = events[i - 1][0] + events[i - 1][1] if i else -1
            if strong and prev_end == tick and events[i - 1][0] % RESOLUTION and r.random() < 0.35:
                approach = pitch + r.choice((-1, 1))  # chromatic approach into the chord tone
                if lo <= approach <= hi:
                    pitches[-1] = approach
        elif not on_beat and r.random() < 0.12:
            pitch = min(max(cur + direction, lo), hi)  # chromatic passing tone
        else:
            pitch = _step_in_scale(cur, chord.root, scale, direction, lo, hi)
            if r.random() < 0.2:
                pitch = _step_in_scale(pitch, chord.root, scale, direction, lo, hi)
        pitches.append(pitch)
        cur = pitch
    notes = []
    for (tick, duration, _), pitch in zip(events, pitches, strict=True):
        if duration > RESOLUTION:  # held notes stop at the chord change
            duration = min(duration, timeline.end_of(tick) - tick)
        accent = 8 if tick % RESOLUTION == 0 else -6
        notes.append(Note(tick, pitch, duration, max(1, min(127, velocity + accent + r.randint(-6, 6)))))
    return notes


def _extensions(r: random.Random, chords: list[ChordLabel]) -> list[Note]:
    """Now and then one or two upper extensions of the chord, held inside the chord."""
    lo, hi = REGISTERS["extensions"]
    notes: list[Note] = []
    for chord in chords:
        if r.random() >= 0.35:
            continue
        tick = chord.tick + r.choice((0, 0, 320, RESOLUTION))
        span = chord.tick + chord.duration - tick
        duration = min(span, r.choice((2, 3, 4, 6)) * RESOLUTION - r.choice((0, 80)))
        tensions = list(TENSIONS[chord.quality])
        r.shuffle(tensions)
        velocity = 44 + r.randint(0, 22)
        chosen: set[int] = set()
        for tension in tensions[: r.choice((1, 1, 2))]:
            options = [p for p in _pitches_of(chord.root, (tension,), lo, hi) if p not in chosen]
            pitch = r.choice(options)
            chosen.add(pitch)
            notes.append(Note(tick, pitch, duration, velocity + r.randint(-5, 5)))
    return notes


def _drums(r: random.Random, num_bars: int) -> list[Note]:
    """Ride swing pattern (1, 2, 2-let, 3, 4, 4-let), hi-hat on 2 and 4, occasional kick and snare."""
    notes: list[Note] = []
    hit = 120
    for bar in range(num_bars):
        start = bar * TICKS_PER_BAR
        busy = 0.18 if bar % 4 == 3 else 0.06  # more comping at the end of four-bar phrases
        for beat in range(BEATS_PER_BAR):
            t = start + beat * RESOLUTION
            notes.append(Note(t, DRUM_RIDE, hit, (88 if beat % 2 else 72) + r.randint(0, 14)))
            skip = 0.92 if beat % 2 else 0.08
            if r.random() < skip:
                notes.append(Note(t + 320, DRUM_RIDE, hit, 56 + r.randint(0, 16)))
            if beat % 2:
                notes.append(Note(t, DRUM_HIHAT_PEDAL, hit, 58 + r.randint(0, 18)))
            for offset in (0, 320):
                u = r.random()
                if u < busy * 0.6:
                    notes.append(Note(t + offset, DRUM_SNARE, hit, 40 + r.randint(0, 60)))
                elif u < busy:
                    notes.append(Note(t + offset, DRUM_KICK, hit, 50 + r.randint(0, 50)))
    return notes
