"""The blind listening quiz of lesson 06: real excerpts and generated clips, played in a seeded random
order through the same synthesiser, answered "real" or "generated" (and optionally rated 1-5).

Every clip has the same length (``seconds``, default 8 s) and is rendered by the numpy additive
synthesiser of :mod:`companion.audio` with every velocity set to the same value, so timbre, loudness
and length give nothing away: only the notes do. The real clips are windows of the corpus's test
split; the generated ones come from the shipped checkpoints (:func:`companion.zoo.shipped_checkpoints`).

The share of a generated architecture's clips answered "real" is its *share fooled* (see the
definitions page); the real clips' own share answered "real" is the ceiling to read it against.

Answers are saved as CSV, one row per answered clip, with the columns of :data:`COLUMNS`:

* ``listener`` -- a name or pseudonym (free text);
* ``clip`` -- the clip's number in the quiz order (0-based);
* ``source`` -- ``real`` or the architecture that generated it (e.g. ``musegan-hybrid``);
* ``corpus`` -- the corpus of the real excerpts and of the checkpoints (e.g. ``bach``);
* ``truth`` -- ``real`` or ``generated``;
* ``answer`` -- ``real`` or ``generated``, the listener's judgement;
* ``rating`` -- 1-5 (how musical it sounded), empty when not given;
* ``correct`` -- ``1`` when ``answer == truth``, else ``0``.

``python -m companion quiz-tally FILES... [--png OUT.png] [--json]`` merges a class's CSVs into one
table (per source: answers, judged real, share fooled, mean rating) and a bar chart.

Used by notebook 06_diminishing_returns.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import CompanionError
from .song import Song, Tempo

COLUMNS = ("listener", "clip", "source", "corpus", "truth", "answer", "rating", "correct")
JUDGEMENTS = ("real", "generated")
VELOCITY = 90
"""Every note of every clip is played at this velocity (loudness gives nothing away)."""


class QuizError(CompanionError):
    """A bad answer, or an answers CSV that cannot be read (file and reason in the message)."""


@dataclass
class Clip:
    """One clip of the quiz: ``source`` is ``"real"`` or the architecture that generated it."""

    source: str
    corpus: str
    song: Song

    @property
    def truth(self) -> str:
        return "real" if self.source == "real" else "generated"


def excerpt(song: Song, start_tick: int, seconds: float) -> Song:
    """``seconds`` of ``song`` from ``start_tick``, shifted to 0, at one tempo (the one in force at
    ``start_tick``), every velocity set to :data:`VELOCITY`."""
    bpm = [t.bpm for t in song.tempos if t.tick <= start_tick][-1:] or [120.0]
    end = song.seconds_to_tick(song.tick_to_seconds(start_tick) + seconds)
    clip = song.crop(start_tick, int(math.ceil(end)))
    tracks = [replace(t, notes=[replace(n, velocity=VELOCITY) for n in t.notes]) for t in clip.tracks]
    return clip.copy(tracks=tracks, tempos=[Tempo(0, bpm[0])])


def render_clip(song: Song, seconds: float, sample_rate: int) -> np.ndarray:
    """The clip through the numpy synthesiser, cut or padded to exactly ``seconds``, with the same
    0.2 s fade-out on every clip (so a cut note does not click)."""
    from .audio import render

    wave_ = render(song, sample_rate, renderer="numpy") if song.num_notes else np.zeros(1, np.float32)
    n = int(round(seconds * sample_rate))
    out = np.zeros(n, dtype=np.float32)
    out[: min(n, len(wave_))] = wave_[:n]
    fade = int(0.2 * sample_rate)
    out[n - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out


def build_quiz(
    clips: int,
    *,
    corpus: str = "bach",
    seed: int = 0,
    seconds: float = 8.0,
    generated: dict[str, Song | list[Song]] | None = None,
    listener: str = "anonymous",
    sample_rate: int = 8000,
) -> Quiz:
    """A quiz of ``clips`` clips: half (rounded down) real excerpts of ``corpus``'s test split, the
    rest generated, shared round-robin among the architectures in a seeded random order.

    Args:
        clips: how many clips in all (at least 2).
        corpus: the corpus of the real excerpts and of the checkpoints.
        seed: seeds which excerpts, which generation seeds and the order of the clips.
        seconds: the length of every clip.
        generated: songs already generated, architecture -> song or list of songs (lesson 06 passes
            its gallery); default: generate from every shipped checkpoint of ``corpus``.
        listener: the name written in the CSV.
        sample_rate: audio sample rate of the players.
    """
    from . import zoo
    from .data import load_corpus

    if clips < 2:
        raise QuizError(f"a quiz needs at least 2 clips, not {clips}")
    rng = np.random.default_rng(seed)
    if generated is None:
        generated = {k.split(":")[0]: [] for k in zoo.shipped_checkpoints() if k.endswith(f":{corpus}")}
    pools = {name: list(songs) if isinstance(songs, list) else [songs] for name, songs in generated.items()}
    if not pools:
        raise QuizError(f"no generated music for {corpus}: no shipped checkpoint and none given")
    n_real = clips // 2
    names = list(pools)
    order = [names[i] for i in rng.permutation(len(names))]
    wanted = [order[k % len(order)] for k in range(clips - n_real)]
    result = []
    for k, name in enumerate(wanted):
        index = wanted[:k].count(name)
        if index >= len(pools[name]):
            bars = max(4, int(math.ceil(seconds / 2.4)))  # 2.4 s per 4/4 bar at the corpora's 100 bpm
            pools[name].append(zoo.generate(zoo.load(f"{name}:{corpus}"), bars=bars, seed=seed + index))
        result.append(Clip(name, corpus, excerpt(pools[name][index], 0, seconds)))
    test = [s for s in load_corpus(corpus).test if s.duration_seconds > seconds]
    for _ in range(n_real):
        song = test[int(rng.integers(len(test)))]
        room = song.num_bars * song.ticks_per_bar - song.seconds_to_tick(seconds)
        last_bar = max(int(room // song.ticks_per_bar), 0)
        start = int(rng.integers(last_bar + 1)) * song.ticks_per_bar
        result.append(Clip("real", corpus, excerpt(song, start, seconds)))
    shuffled = [result[i] for i in rng.permutation(len(result))]
    return Quiz(shuffled, listener=listener, seconds=seconds, sample_rate=sample_rate)


@dataclass
class Quiz:
    """Clips in the order they are played, and the answers given so far (clip -> (answer, rating))."""

    clips: list[Clip]
    listener: str = "anonymous"
    seconds: float = 8.0
    sample_rate: int = 8000
    answers: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    _controls: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.clips)

    def answer(self, i: int, judgement: str, rating: int | None = None) -> None:
        """Record the answer to clip ``i``: ``"real"`` or ``"generated"``, and an optional 1-5 rating."""
        if not 0 <= i < len(self.clips):
            raise QuizError(f"clip {i}: the quiz has clips 0..{len(self.clips) - 1}")
        if judgement not in JUDGEMENTS:
            raise QuizError(f"clip {i}: answer {judgement!r}, expected 'real' or 'generated'")
        if rating is not None and rating not in range(1, 6):
            raise QuizError(f"clip {i}: rating {rating!r}, expected 1..5 or None")
        self.answers[i] = (judgement, rating)
        if i in self._controls:  # keep the buttons in step with scripted answers
            toggle, stars = self._controls[i]
            toggle.value, stars.value = judgement, rating or 0

    def answer_all(self, answerer: Callable[[Clip], str | tuple[str, int | None]]) -> None:
        """Answer every clip with ``answerer(clip)`` -> ``"real"``/``"generated"`` or (that, rating):
        the scripted answers that let the quiz run with no clicks (nbval, tests)."""
        for i, clip in enumerate(self.clips):
            reply = answerer(clip)
            judgement, rating = reply if isinstance(reply, tuple) else (reply, None)
            self.answer(i, judgement, rating)

    def rows(self) -> list[dict]:
        """The answers as CSV rows (see :data:`COLUMNS`), in clip order."""
        return [
            {"listener": self.listener, "clip": i, "source": self.clips[i].source, "corpus": self.clips[i].corpus,
             "truth": self.clips[i].truth, "answer": answer, "rating": "" if rating is None else rating,
             "correct": int(answer == self.clips[i].truth)}
            for i, (answer, rating) in sorted(self.answers.items())
        ]

    def save(self, path: str | Path) -> Path:
        """Write the answers to ``path`` as CSV; returns the path."""
        path = Path(path)
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(self.rows())
        return path

    def tally(self) -> dict[str, dict]:
        """Per source: see :func:`tally`."""
        return tally(self.rows())

    def waveform(self, i: int) -> np.ndarray:
        return render_clip(self.clips[i].song, self.seconds, self.sample_rate)

    def show(self):
        """Display the quiz: per clip a play button, real/generated buttons and a 1-5 rating, then a
        file name and a button that saves the answers and prints the tally. Audio is rendered only
        when a clip is played, so a saved notebook stays small. Returns the widget box."""
        import ipywidgets as widgets
        from IPython.display import Audio, display

        player = widgets.Output()
        rows = []
        for i in range(len(self.clips)):
            play = widgets.Button(description=f"play clip {i}", layout=widgets.Layout(width="110px"))
            toggle = widgets.ToggleButtons(options=JUDGEMENTS, value=None)
            stars = widgets.Dropdown(options=[("rate 1-5", 0)] + [(str(r), r) for r in range(1, 6)], value=0,
                                     layout=widgets.Layout(width="100px"))

            def on_play(_, i=i):
                player.clear_output(wait=True)
                with player:
                    print(f"clip {i}")
                    display(Audio(self.waveform(i), rate=self.sample_rate, autoplay=True))

            def on_change(_, i=i, toggle=toggle, stars=stars):
                if toggle.value is not None:
                    self.answers[i] = (toggle.value, stars.value or None)

            play.on_click(on_play)
            toggle.observe(on_change, names="value")
            stars.observe(on_change, names="value")
            self._controls[i] = (toggle, stars)
            rows.append(widgets.HBox([play, toggle, stars]))
        name = widgets.Text(value=f"quiz-{self.listener}.csv", description="save as")
        save = widgets.Button(description="save and tally", button_style="primary")
        report = widgets.Output()

        def on_save(_):
            report.clear_output()
            with report:
                print(f"{len(self.answers)} of {len(self.clips)} clips answered -> {self.save(name.value)}")
                print(format_tally(self.tally()))

        save.on_click(on_save)
        box = widgets.VBox([player, *rows, widgets.HBox([name, save]), report])
        display(box)
        return box


def coin_flip_listener(seed: int = 0) -> Callable[[Clip], tuple[str, int]]:
    """A scripted listener that cannot hear: answers at random, rates at random. Every architecture
    fools it about half the time -- the chance level a class must beat to have heard anything."""
    rng = np.random.default_rng(seed)

    def answer(_clip: Clip) -> tuple[str, int]:
        return JUDGEMENTS[int(rng.integers(2))], int(rng.integers(1, 6))

    return answer


# ------------------------------------------------------------------ tallies (the teacher's side)
def tally(rows: Iterable[dict]) -> dict[str, dict]:
    """Per source (``real`` first, then the architectures by name): ``answers``, ``judged_real``,
    ``share_judged_real``, ``share_fooled`` (the same share for an architecture; None for ``real``,
    whose share judged real is the ceiling) and ``mean_rating`` (None without ratings)."""
    counts: dict[str, dict] = {}
    for row in rows:
        entry = counts.setdefault(row["source"], {"answers": 0, "judged_real": 0, "ratings": []})
        entry["answers"] += 1
        entry["judged_real"] += row["answer"] == "real"
        if str(row.get("rating", "")).strip():
            entry["ratings"].append(int(row["rating"]))
    out = {}
    for source in sorted(counts, key=lambda s: (s != "real", s)):
        entry = counts[source]
        share = entry["judged_real"] / entry["answers"]
        out[source] = {
            "answers": entry["answers"],
            "judged_real": entry["judged_real"],
            "share_judged_real": round(share, 3),
            "share_fooled": None if source == "real" else round(share, 3),
            "mean_rating": round(sum(entry["ratings"]) / len(entry["ratings"]), 2) if entry["ratings"] else None,
        }
    return out


def format_tally(table: dict[str, dict]) -> str:
    """The tally as a fixed-width text table."""
    lines = [f"{'source':<18}{'answers':>8}{'judged real':>13}{'share fooled':>14}{'mean rating':>13}"]
    for source, t in table.items():
        fooled = "(ceiling)" if t["share_fooled"] is None else f"{t['share_fooled']:.2f}"
        rating = "-" if t["mean_rating"] is None else f"{t['mean_rating']:.2f}"
        lines.append(f"{source:<18}{t['answers']:>8}{t['judged_real']:>13}{fooled:>14}{rating:>13}")
    return "\n".join(lines)


def read_answers(path: str | Path) -> list[dict]:
    """The rows of one answers CSV, checked: the :data:`COLUMNS` header, answers and truths in
    real/generated, ratings empty or 1-5. Raises :class:`QuizError` naming the file and the problem."""
    path = Path(path)
    try:
        with path.open(newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise QuizError(f"{path}: not a quiz answers CSV (missing columns: {', '.join(missing)})")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise QuizError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from None
    for line, row in enumerate(rows, start=2):
        if row["answer"] not in JUDGEMENTS or row["truth"] not in JUDGEMENTS:
            raise QuizError(f"{path}:{line}: answer and truth must be 'real' or 'generated'")
        if (row["truth"] == "real") != (row["source"] == "real"):
            raise QuizError(f"{path}:{line}: source {row['source']!r} does not match truth {row['truth']!r}")
        if row["rating"].strip() and row["rating"].strip() not in {"1", "2", "3", "4", "5"}:
            raise QuizError(f"{path}:{line}: rating {row['rating']!r}, expected 1-5 or empty")
    return rows


def plot_tally(table: dict[str, dict], ax=None):
    """Bars of the share judged real per source (the real clips' bar is the ceiling, grey), with the
    chance level of a listener who guesses (0.5) as a dashed line. Returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    sources = list(table)
    shares = [table[s]["share_judged_real"] for s in sources]
    colours = ["#999999" if s == "real" else "#1f77b4" for s in sources]
    ax.bar(range(len(sources)), shares, color=colours)
    for x, s in enumerate(sources):
        ax.text(x, shares[x] + 0.02, f"n={table[s]['answers']}", ha="center", fontsize=8)
    ax.axhline(0.5, color="k", linestyle="--", linewidth=0.8, label="a listener who guesses")
    ax.set_xticks(range(len(sources)), sources, rotation=20, fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel('share answered "real"')
    ax.set_title("blind listening quiz: grey = real clips (the ceiling), blue = share fooled")
    ax.legend(fontsize=8, loc="upper right")
    return ax


def tally_command(args) -> int:
    """``python -m companion quiz-tally FILES... [--png OUT.png] [--json]``: exit 0, or 2 with one
    line on stderr naming the file and the problem."""
    import sys

    try:
        rows = [row for path in args.files for row in read_answers(path)]
        if not rows:
            raise QuizError(f"{', '.join(map(str, args.files))}: no answers")
    except QuizError as exc:
        print(f"companion: error: {exc}", file=sys.stderr)
        return 2
    table = tally(rows)
    listeners = sorted({row["listener"] for row in rows})
    if args.png:
        import matplotlib

        matplotlib.use("Agg")
        ax = plot_tally(table)
        ax.figure.tight_layout()
        ax.figure.savefig(args.png, dpi=120)
    if args.json:
        print(json.dumps({"files": len(args.files), "listeners": len(listeners), "rows": len(rows), "tally": table}))
    else:
        print(f"{len(args.files)} files, {len(listeners)} listeners, {len(rows)} answers")
        print(format_tally(table))
        if args.png:
            print(f"-> {args.png}")
    return 0
