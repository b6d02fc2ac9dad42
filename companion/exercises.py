"""Reference solutions of the lessons' graded exercises (PCPT's pattern: the notebook can call
``companion.exercises.<name>()`` to show the reference result after trying its own).

Each function is small on purpose: it is the lesson's central move written once, plainly. The
exercise cells in the notebooks carry nbgrader markup; ``python -m companion student`` makes the
student versions (see :mod:`companion.student`).

Used by notebooks 01-06 (section "Exercises").
"""

from __future__ import annotations

from .song import Song, Track


# ------------------------------------------------------------------ 01_representing_music
def tick_to_seconds_constant(tick: int, resolution: int, bpm: float) -> float:
    """Seconds at ``tick`` under one constant tempo: ``tick / resolution`` beats of ``60 / bpm`` s."""
    return tick / resolution * 60.0 / bpm


def tick_to_step(tick: int, resolution: int, steps_per_beat: int) -> float:
    """The grid step of ``tick`` (a float: off-grid ticks give fractions)."""
    return tick * steps_per_beat / resolution


def merged_by_binary_roll(track: Track, resolution: int, steps_per_beat: int) -> int:
    """How many notes of ``track`` a binary roll (no onsets) merges into the note before them: a note
    that starts, on the grid, exactly where an earlier note of the same pitch is still sounding or
    has just ended."""
    step = resolution / steps_per_beat
    sounding_until: dict[int, int] = {}
    merged = 0
    for note in sorted(track.notes):
        start, end = round(note.start / step), max(round(note.end / step), round(note.start / step) + 1)
        if sounding_until.get(note.pitch, -1) >= start:
            merged += 1
        sounding_until[note.pitch] = max(sounding_until.get(note.pitch, -1), end)
    return merged


def merged_notes_in_song(song: Song, steps_per_beat: int) -> int:
    """:func:`merged_by_binary_roll` summed over the song's tracks."""
    return sum(merged_by_binary_roll(t, song.resolution, steps_per_beat) for t in song.tracks)


def share_off_grid(song: Song, steps_per_beat: int) -> float:
    """Share of the song's notes whose start is not on a grid of ``steps_per_beat`` steps per beat."""
    notes = [n for t in song.tracks for n in t.notes]
    off = sum(1 for n in notes if (n.start * steps_per_beat) % song.resolution)
    return off / max(len(notes), 1)


# ------------------------------------------------------------------ 02_musegan
def qualified_share(durations_in_steps: list[int], min_steps: int = 3) -> float:
    """Share of notes at least ``min_steps`` long (QN as a share, not a percentage)."""
    return sum(1 for d in durations_in_steps if d >= min_steps) / max(len(durations_in_steps), 1)


def empty_bar_share(active, steps_per_bar: int) -> float:
    """Share of whole bars of a (steps, pitches) binary roll in which nothing sounds."""
    bars = active.shape[0] // steps_per_bar
    return sum(1 for b in range(bars) if not active[b * steps_per_bar : (b + 1) * steps_per_bar].any()) / max(bars, 1)


# ------------------------------------------------------------------ 03_image_gan
def image_seconds(columns: int = 64, channels: int = 3, seconds_per_step: float = 0.05) -> float:
    """Seconds an RGB-packed image holds: every channel of every column is one time step."""
    return columns * channels * seconds_per_step


def column_steps(image, column: int):
    """The (rows, channels) on/off steps of one column of a (channels, rows, columns) image: time
    step ``3 * column + channel`` is channel ``channel`` of that column."""
    return image[:, :, column].T


# ------------------------------------------------------------------ 04_gpt_chords
def pitch_sets(frames) -> list[tuple[int, ...]]:
    """The pitch set (sorted tuple of sounding columns) of each binary frame."""
    return [tuple(int(p) for p in row.nonzero()[0]) for row in frames]


def unseen_frame_share(train_frames: list, test_frames: list) -> float:
    """Share of test frames whose pitch set never occurs in the training frames."""
    known = {s for piece in train_frames for s in pitch_sets(piece)}
    test = [s for piece in test_frames for s in pitch_sets(piece)]
    return sum(1 for s in test if s not in known) / max(len(test), 1)


# ------------------------------------------------------------------ 05_event_tokens
def split_pitch(pitch: int) -> tuple[int, int]:
    """(octave, pitch class) of a MIDI pitch, with middle C = C4 = 60."""
    return pitch // 12 - 1, pitch % 12


def bar_tokens(names: list[str], bar: int) -> list[str]:
    """The token names of bar ``bar`` (0-based): from its ``Bar`` token up to the next one."""
    starts = [i for i, name in enumerate(names) if name == "Bar"] + [len(names)]
    return names[starts[bar] : starts[bar + 1]]


# ------------------------------------------------------------------ open exercises (every lesson)
# Each lesson's last exercise varies one thing, plots the result and states whether the return
# diminishes; the functions below are the reference numbers and the reference judgement.
def gains(values: list[float], higher_is_better: bool = True) -> list[float]:
    """The improvement of each step of a sweep (positive = better), in the sweep's order."""
    sign = 1.0 if higher_is_better else -1.0
    return [sign * (b - a) for a, b in zip(values, values[1:])]


def returns_diminish(values: list[float], higher_is_better: bool = True) -> bool:
    """The course's test of a diminishing return: the sweep's last step gains less than half of
    what its first step gained (and the first step gained something)."""
    steps = gains(values, higher_is_better)
    return len(steps) >= 2 and steps[0] > 0 and steps[-1] < 0.5 * steps[0]


def share_exact_by_grid(song: Song, grids: list[int]) -> list[float]:
    """01: for each grid (steps per beat), the share of the song's notes that start on it."""
    return [1.0 - share_off_grid(song, g) for g in grids]


def musegan_probabilities(checkpoint, phrases: int = 8, seed: int = 0):
    """02: the generator's cell probabilities, (phrases, tracks, 4 bars, 48 steps, 84 pitches), of a
    checkpoint dict or a :class:`companion.family.Loaded` (loaded by :func:`companion.zoo.loaded`; the
    latents are the MuseGAN sampler's own)."""
    import torch

    from . import zoo
    from .pipelines.musegan import sample_latents

    generator = zoo.loaded(checkpoint).network
    latent = sample_latents(generator.config, phrases, torch.Generator().manual_seed(seed), 1.0)
    with torch.no_grad():
        return generator.probabilities(latent).numpy()


def qn_at_threshold(checkpoint, probabilities, threshold: float) -> float:
    """02: mean qualified-note rate (%, over phrases and pitched tracks) of the rolls read from
    ``probabilities`` with a plain threshold (a cell sounds above it), decoded by the checkpoint's
    codec (a checkpoint dict or a :class:`companion.family.Loaded`, through :func:`companion.zoo.loaded`)."""
    from . import zoo
    from .metrics import qualified_note_rate

    codec = zoo.loaded(checkpoint).codec
    rates = []
    for phrase in probabilities:
        rates += list(qualified_note_rate(codec.decode(phrase > threshold)).values())
    return sum(rates) / max(len(rates), 1)


def notes_kept_at_step(song: Song, seconds_per_step: float) -> float:
    """03: share of the song's notes whose start and end (in seconds, at its tempo) fall exactly on
    a grid of ``seconds_per_step`` -- the notes an image with that time resolution keeps exactly."""
    notes = [n for t in song.tracks for n in t.notes]

    def on_grid(seconds: float) -> bool:
        steps = seconds / seconds_per_step
        return abs(steps - round(steps)) < 1e-6

    kept = sum(1 for n in notes if on_grid(song.tick_to_seconds(n.start)) and on_grid(song.tick_to_seconds(n.end)))
    return kept / max(len(notes), 1)


def unseen_by_train_size(train_frames: list, test_frames: list, sizes: list[int]) -> list[float]:
    """04: the unseen-frame share of ``test_frames`` when the vocabulary comes from the first
    ``size`` training pieces, for each size."""
    return [unseen_frame_share(train_frames[:size], test_frames) for size in sizes]


def in_key_by_temperature(checkpoint: dict, temperatures: list[float], *, bars: int = 4, seed: int = 0) -> list[float]:
    """05: the chord-in-key rate of one generated piece per temperature (same seed each time)."""
    from . import zoo
    from .metrics import chord_in_key_rate

    return [chord_in_key_rate(zoo.generate(checkpoint, bars=bars, seed=seed, temperature=t)) for t in temperatures]


def first_flat_doubling(xs: list[float], ys: list[float], noise_floor: float, higher_is_better: bool = False):
    """06: the first ``x`` of a sweep from which the next step gains less than ``noise_floor`` (the
    point where another doubling is not worth it), or None if every step gains more."""
    for x, gain in zip(xs, gains(ys, higher_is_better)):
        if gain < noise_floor:
            return x
    return None
