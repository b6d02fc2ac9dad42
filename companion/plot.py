"""See a :class:`~companion.song.Song`: multi-track piano rolls with octave lines C2..C7.

Each track gets its own colour (drums grey), notes are drawn as bars in beats, bar lines are faint,
and the horizontal octave lines make the register of each part visible -- the thing the seed report
says a piano roll "does not have". The roll has it; a model trained on it simply does not use it.

Used by notebooks 00_tour, 01_representing_music and every lesson's sample cells.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from .files import write_atomically
from .song import Song, pitch_name

TRACK_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
OCTAVE_LINES = tuple(range(36, 97, 12))  # C2 .. C7


def plot_song(
    song: Song,
    ax=None,
    *,
    title: str | None = None,
    beats: tuple[float, float] | None = None,
    registers: dict[str, tuple[int, int]] | None = None,
):
    """Draw ``song`` as a multi-track piano roll.

    Args:
        song: what to draw.
        ax: a matplotlib Axes (a new figure when None).
        title: the axes title (default: the song's title).
        beats: (first, last) beat to show (limits, pitch range and legend counts follow it);
            default the whole song. Drum tracks are drawn in grey at their General MIDI key numbers
            (e.g. ride cymbal 51), which are not pitches: pass ``song.without_drums()`` to hide them.
        registers: optional track name -> (low, high) pitch band, shaded behind the notes (the jazz
            corpus passes :data:`companion.theory.JAZZ_REGISTERS`).

    Returns:
        The Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    res = song.resolution
    first, last = beats if beats else (0.0, max(song.length_ticks / res, 1.0))

    def shown(n) -> bool:
        return n.end / res > first and n.start / res < last

    handles = []
    pitches = (
        [n.pitch for t in song.tracks if not t.is_drum for n in t.notes if shown(n)]
        or [n.pitch for t in song.tracks for n in t.notes if shown(n)]
        or [60]
    )
    colour_index = 0
    for track in song.tracks:
        if track.is_drum:
            colour = "0.55"
        else:
            colour = TRACK_COLOURS[colour_index % len(TRACK_COLOURS)]
            colour_index += 1
        boxes = [
            [
                (n.start / res, n.pitch - 0.4),
                (n.end / res, n.pitch - 0.4),
                (n.end / res, n.pitch + 0.4),
                (n.start / res, n.pitch + 0.4),
            ]
            for n in track.notes
        ]
        ax.add_collection(PolyCollection(boxes, facecolors=colour, edgecolors="none", alpha=0.85))
        handles.append(Patch(color=colour, label=f"{track.name} ({len(track.notes)})"))
        if registers and track.name in registers:
            low, high = registers[track.name]
            ax.axhspan(low - 0.5, high + 0.5, color=colour, alpha=0.07, lw=0)
    ax.set_xlim(first, last)
    low, high = min(pitches) - 3, max(pitches) + 3
    ax.set_ylim(low, high)
    for pitch in OCTAVE_LINES:
        if low < pitch < high:
            ax.axhline(pitch, color="0.3", lw=0.6, ls="--", alpha=0.6)
    ax.set_yticks([p for p in OCTAVE_LINES if low < p < high], [pitch_name(p) for p in OCTAVE_LINES if low < p < high])
    beats_per_bar = song.ticks_per_bar / res
    bar = 0.0
    while bar <= last:
        if bar >= first:
            ax.axvline(bar, color="0.85", lw=0.5, zorder=0)
        bar += beats_per_bar
    ax.set_xlabel("beats")
    ax.set_ylabel("pitch (octave lines at C)")
    ax.set_title(song.title if title is None else title)
    if handles:  # beside the axes, so it never hides the top notes
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, framealpha=0.8)
    return ax


def _compact(value: float, _pos=None) -> str:
    """1,500 -> "1.5k", 2,000,000 -> "2M", 0.5 -> "0.5": short tick labels."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:g}{suffix}"
    return f"{value:g}"


def log_ticks(ax, axis: str = "x"):
    """Readable ticks on a log-scaled axis of ``ax``: labels only at 1, 2 and 5 times the powers of
    ten, written short ("20k", not "2x10^4"), and none on the other minor ticks, whose mathtext
    labels ("3x10^3 4x10^3") otherwise run into each other on an axis spanning less than a decade.

    Returns:
        The Axes.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    target.set_major_formatter(FuncFormatter(_compact))
    target.set_minor_formatter(NullFormatter())
    return ax


def markdown_table(header: list[str], rows: list[list]):
    """Rows as a Markdown table for a notebook (integers with thousands separators)."""
    from IPython.display import Markdown

    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(f"{x:,}" if isinstance(x, int) else str(x) for x in row) + " |" for row in rows]
    return Markdown("\n".join(lines))


def save_png(song: Song, path, **options) -> None:
    """Draw ``song`` with :func:`plot_song` into a PNG file (the CLI's ``--png``), whole or not at
    all. Raises CompanionError naming the file when its folder is missing or read-only."""
    fig, ax = plt.subplots(figsize=(11, 4))
    try:
        plot_song(song, ax, **options)
        fig.tight_layout()
        write_atomically(path, lambda temporary: fig.savefig(temporary, dpi=100, format="png"))
    finally:
        plt.close(fig)
