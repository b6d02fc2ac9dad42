"""The family protocol (issue 12): every architecture of the course is trained, loaded, sampled,
measured and shipped by the functions of this module, so lesson 06 compares architectures that went
through one path.

A *family* (MuseGAN, the image GAN, the GPT) is a :class:`Family` subclass in
``companion.pipelines`` that implements only what truly differs between architectures:

* :meth:`Family.setup` -- its data, codec, network and trainer for one run (a :class:`Run`);
* :meth:`Family.network` and :meth:`Family.codec` -- rebuilt from a checkpoint (into a :class:`Loaded`);
* :meth:`Family.sample` -- its sampler: ``count`` songs of ``bars`` bars from a seed;
* optionally :meth:`Family.likelihood` (the NLL, where the model defines one), :meth:`Family.view`
  (a split as the codec sees it, the reference of the copy rate) and :meth:`Family.extras` (the
  lesson's own diagnostics, kept beside the shared figures).

Everything else is here, once: the training skeleton (:func:`train`: resume, seeding, torch threads,
device, step / wall / CPU-second budgets, the checkpoint dict and its atomic saves), :func:`load`,
:func:`generate`, the one measurement path :func:`evaluate` (same songs, registers, chord reference
and thread handling for every family) and :func:`ship`. :mod:`companion.zoo` pairs a model name with
its family; nothing else does.

Used through :mod:`companion.zoo` by the CLI, the demo, the widgets, :mod:`companion.returns`, the lesson
measurements (:mod:`companion.measurements`) and notebooks 02-06.
"""

from __future__ import annotations

import abc
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .checkpoint import FORMAT, resumable, save_checkpoint
from .data import Corpus
from .device import resolve_device, to_cpu
from .errors import FamilyError
from .recipes import RECIPES, merge, read_recipe, recipe  # noqa: F401 (read_recipe re-exported)
from .scoring import TABLE_ROWS, measure, plain, real_excerpts, score, table  # noqa: F401 (re-exported)
from .song import Song

if TYPE_CHECKING:  # torch is imported where a family trains or loads, so the CLI's data verbs never pay for it
    from .train import Budget

EVALUATION_SONGS = 16
"""Songs of :data:`EVALUATION_BARS` bars that :func:`evaluate` generates, for every family."""

EVALUATION_BARS = 8


# ---------------------------------------------------------------------- what a family returns
@dataclass
class Run:
    """One training run as a family sets it up (:meth:`Family.setup`).

    Attributes:
        config: the checkpoint's ``config`` (plain data: the network's and trainer's settings).
        codec: the checkpoint's ``codec`` (plain data: what decoding needs).
        info: the family's own ``train`` entries (data sizes, parameter counts ...).
        fit: ``fit(budget, save)`` trains until ``budget`` stops it, calling ``save(part)`` at every
            checkpoint with ``part = {"state", "train", "optimizer"}`` (``save(part, write=False)``
            keeps it without writing the file: a non-zero rank of a distributed run); returns the entries to add to
            the final checkpoint's ``train`` (snapshots for a notebook), or None.
    """

    config: dict[str, Any]
    codec: dict[str, Any]
    info: dict[str, Any]
    fit: Callable[[Budget, Callable[[dict[str, Any]], None]], dict[str, Any] | None]


@dataclass
class Loaded:
    """A checkpoint made ready to use: the network (evaluation mode, on ``device``), the codec and the
    plain data that describe the run. Made by :func:`load` (or :func:`companion.zoo.load`)."""

    model: str
    family: Family
    network: Any
    codec: Any
    config: dict[str, Any]
    provenance: dict[str, Any]
    checkpoint: dict[str, Any] = field(repr=False)
    path: Path | None = None
    device: Any = "cpu"

    @property
    def corpus(self) -> str:
        """The corpus the model was trained on."""
        return str(self.provenance.get("corpus", ""))

    @property
    def recipe(self) -> dict[str, Any] | None:
        """The recipe file (name and sha256) the run was trained with, where it recorded one."""
        return self.provenance.get("recipe")

    def title(self, seed: int) -> str:
        return f"{self.model} {self.corpus} seed {seed}"

    def __getitem__(self, key: str) -> Any:
        """The checkpoint's plain sections (``loaded["train"]``), for code written before :class:`Loaded`."""
        return self.checkpoint[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.checkpoint.get(key, default)


class Family(abc.ABC):
    """What one architecture family implements; the rest is shared (see the module docstring)."""

    name: ClassVar[str] = ""
    models: ClassVar[tuple[str, ...]] = ()
    checkpoint_every: ClassVar[int | None] = 50
    """Steps between saves of a run's checkpoint (None: where the family's trainer decides)."""

    def check(self, model: str) -> None:
        if model not in self.models:
            raise FamilyError(f"the {self.name} family has no model {model!r}; choose one of {', '.join(self.models)}")

    def recipe(self, model: str, corpus: str, choice: str | Path | None = "auto") -> dict[str, Any]:
        """The recipe ``model`` trains with on ``corpus``: :func:`recipe` of ``recipes/<model>.json``
        (``choice`` "auto" or None), or of the recipe file ``choice`` names (a path, or a name in
        ``recipes/``)."""
        if choice in ("auto", None):
            return recipe(model, corpus)
        file = Path(choice) if Path(choice).suffix == ".json" else RECIPES / f"{choice}.json"
        return recipe(model, corpus, file=file)

    @abc.abstractmethod
    def setup(self, model: str, corpus: Corpus, settings: dict[str, Any], previous: dict[str, Any] | None, *,
              seed: int, device: Any, show_progress: bool | None, checkpoint_every: int) -> Run:  # fmt: skip
        """The run's data, codec, networks and trainer (``previous``: the checkpoint it resumes)."""
        ...

    @abc.abstractmethod
    def network(self, checkpoint: dict[str, Any], device: Any) -> Any:
        """The network of a checkpoint, weights loaded, in evaluation mode on ``device``."""
        ...

    def codec(self, checkpoint: dict[str, Any]) -> Any:
        """The codec of a checkpoint."""
        return checkpoint["codec"]

    def parameters(self, loaded: Loaded) -> Any:
        return loaded.provenance.get("parameters")

    @abc.abstractmethod
    def sample(self, loaded: Loaded, count: int, *, bars: int, seed: int, temperature: float) -> list[Song]:
        """``count`` songs of ``bars`` bars from ``seed`` (the same seed, the same songs)."""
        ...

    def generate(self, loaded: Loaded, *, bars: int, seed: int, temperature: float) -> Song:
        """One song (default: the first of :meth:`sample` with ``count=1``)."""
        return self.sample(loaded, 1, bars=bars, seed=seed, temperature=temperature)[0]

    def likelihood(self, loaded: Loaded, corpus: Corpus, split: str) -> dict[str, Any]:
        """The NLL of ``split`` in stated units, where the model defines one (GANs: none)."""
        return {}

    def view(self, loaded: Loaded, corpus: Corpus, split: str) -> list[Song]:
        """``split`` as the codec sees it (the copy rate's reference): default, the songs as they are."""
        return list(corpus.splits[split])

    def extras(self, loaded: Loaded, corpus: Corpus, split: str, seed: int) -> dict[str, Any]:
        """The family's own diagnostics, reported beside the shared figures (default: none)."""
        return {}


# ---------------------------------------------------------------------- threads
@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block on ``threads`` torch threads (None: leave torch's setting), restored afterwards."""
    import torch

    before = torch.get_num_threads()
    if threads is not None:
        if threads < 1:
            raise FamilyError(f"threads {threads}: choose 1 or more")
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# ---------------------------------------------------------------------- train
def train(
    family: Family,
    model: str,
    corpus: Corpus,
    *,
    steps: int | None = None,
    max_seconds: float | None = None,
    max_cpu_seconds: float | None = None,
    seed: int = 0,
    threads: int | None = None,
    resume: bool = False,
    out: str | Path | None = None,
    device: Any = "cpu",
    overrides: dict[str, Any] | None = None,
    command: str | None = None,
    show_progress: bool | None = None,
    checkpoint_every: int | None = None,
    recipe: str | Path | None = "auto",
) -> dict[str, Any]:
    """Train ``model`` of ``family`` on ``corpus``'s train split; returns the checkpoint dict (also
    saved atomically to ``out`` every ``checkpoint_every`` steps, with what ``resume`` needs).

    The budget is the first reached of ``steps`` (default: the recipe's), ``max_seconds`` of wall
    time and ``max_cpu_seconds`` of the process's CPU time (default: the recipe's, where it sets one),
    counted over a resumed run as a whole. ``overrides`` are merged over the recipe
    (:meth:`Family.recipe` of ``recipe``); ``threads`` sets
    torch's threads for the run; ``device`` is where it trains (the file holds CPU tensors)."""
    from .train import Budget, seed_everything

    family.check(model)
    device = resolve_device(device)
    settings = merge(family.recipe(model, corpus.name, recipe), overrides)
    steps = int(steps if steps is not None else settings.get("steps", 1000))
    if steps < 1:
        raise FamilyError(f"steps must be >= 1, not {steps}")
    if max_cpu_seconds is None:
        max_cpu_seconds = settings.get("max_cpu_seconds")
    out = Path(out) if out is not None else None
    previous = resumable(out, resume=resume, model=model, corpus=corpus.name)
    budget = Budget(steps, max_seconds, max_cpu_seconds)
    if previous is not None:
        budget.cpu_before = float(previous["train"].get("cpu_seconds") or 0.0)
    with torch_threads(threads):
        import torch

        seed_everything(seed)
        every = family.checkpoint_every if checkpoint_every is None else checkpoint_every
        run = family.setup(model, corpus, settings, previous, seed=seed, device=device, show_progress=show_progress,
                           checkpoint_every=every)  # fmt: skip
        info = {"corpus": corpus.name, "source": corpus.source, "seed": seed, "budget_steps": steps,
                "max_seconds": max_seconds, "max_cpu_seconds": max_cpu_seconds, "recipe": settings.get("recipe"),
                **run.info, "command": command, "torch_threads": torch.get_num_threads(),
                "device": str(device)}  # fmt: skip
        latest: dict[str, Any] = {}

        def save(part: dict[str, Any], write: bool = True) -> None:
            train_info = {**info, **part["train"], "cpu_seconds": round(budget.cpu_elapsed, 1)}
            latest["checkpoint"] = to_cpu({"format": FORMAT, "model": model, "config": run.config,
                                           "codec": run.codec, "state": part["state"], "train": train_info,
                                           "optimizer": part["optimizer"]})  # fmt: skip
            if write and out is not None:
                save_checkpoint(out, latest["checkpoint"])

        extra = run.fit(budget, save)
    checkpoint = latest["checkpoint"]
    if extra:
        checkpoint["train"].update(extra)
    return checkpoint


# ---------------------------------------------------------------------- load, generate
def load(family: Family, checkpoint: dict[str, Any], *, path: Path | None = None, device: Any = "cpu") -> Loaded:
    """A :class:`Loaded` of a checkpoint dict (its network rebuilt once, on ``device``)."""
    family.check(checkpoint.get("model"))
    device = resolve_device(device)
    return Loaded(
        model=checkpoint["model"],
        family=family,
        network=family.network(checkpoint, device),
        codec=family.codec(checkpoint),
        config=checkpoint["config"],
        provenance=checkpoint["train"],
        checkpoint=checkpoint,
        path=path,
        device=device,
    )


def check_bars(bars: int) -> None:
    if bars < 1:
        raise FamilyError(f"bars must be >= 1, not {bars}")


def generate(loaded: Loaded, *, bars: int = 8, seed: int = 0, temperature: float = 1.0) -> Song:
    """One song of ``bars`` bars; the same seed gives the same MIDI bytes on the same device."""
    check_bars(bars)
    return loaded.family.generate(loaded, bars=bars, seed=seed, temperature=temperature)


def sample(loaded: Loaded, count: int, *, bars: int = 8, seed: int = 0, temperature: float = 1.0) -> list[Song]:
    """``count`` songs of ``bars`` bars (seeded; what :func:`evaluate` measures)."""
    check_bars(bars)
    return loaded.family.sample(loaded, count, bars=bars, seed=seed, temperature=temperature)


# ---------------------------------------------------------------------- evaluate
def evaluate(
    loaded: Loaded,
    corpus: Corpus,
    *,
    split: str = "test",
    seed: int = 0,
    songs: int = EVALUATION_SONGS,
    bars: int = EVALUATION_BARS,
    threads: int | None = None,
    extras: bool = True,
) -> dict[str, Any]:
    """Every family's one measurement: the likelihood of ``split`` where the model defines one, and
    :func:`measure` of ``songs`` generated songs of ``bars`` bars against ``split`` cut into excerpts of
    the same length; the family's :meth:`~Family.extras` under ``extras`` (unless ``extras=False``).

    Returns plain data: ``model``, ``corpus``, ``split``, ``trained_on``, ``train_steps``,
    ``cpu_seconds``, ``parameters``, the NLL keys, ``generated``, ``real`` (the split as written),
    ``real_as_codec`` (the split as the model's codec holds it: what the model could at best
    reproduce, e.g. one merged track for the chord GPT and the image GAN), ``generated_songs``,
    ``real_excerpts``, ``bars``, ``real_chord_tone_rate_ground_truth`` where the corpus has chord
    labels, ``extras`` and ``seconds``."""
    if split not in corpus.splits:
        raise FamilyError(f"corpus {corpus.name} has no split {split!r}")
    check_bars(bars)
    started = time.perf_counter()
    family = loaded.family
    with torch_threads(threads):
        result: dict[str, Any] = {"model": loaded.model, "corpus": corpus.name, "split": split,
                                  "trained_on": loaded.corpus, "train_steps": loaded.provenance.get("steps"),
                                  "cpu_seconds": loaded.provenance.get("cpu_seconds"),
                                  "parameters": family.parameters(loaded)}  # fmt: skip
        result.update(family.likelihood(loaded, corpus, split))
        generated = family.sample(loaded, songs, bars=bars, seed=seed, temperature=1.0)
        real = real_excerpts(list(corpus.splits[split]), bars)
        reference = family.view(loaded, corpus, "train")
        result.update(measure(generated, real, corpus=corpus.name, reference=reference))
        viewed = family.view(loaded, corpus, split)
        viewed = real_excerpts(viewed, bars) or [song.copy() for song in viewed]  # clips shorter than ``bars``
        for song in viewed:
            song.chords = []
        result["real_as_codec"] = score(viewed, corpus=corpus.name, reference=reference)
        result.update({"generated_songs": len(generated), "real_excerpts": len(real), "bars": bars})
        labelled = [s for s in corpus.splits[split] if s.chords]
        if labelled and len(labelled) == len(corpus.splits[split]):
            from . import metrics

            result["real_chord_tone_rate_ground_truth"] = metrics.corpus_metrics(labelled)["chord_tone_rate"]
        if extras:
            result["extras"] = family.extras(loaded, corpus, split, seed)
    result["seconds"] = round(time.perf_counter() - started, 1)
    return plain(result)


# ---------------------------------------------------------------------- ship
def ship(loaded_from: Callable[[dict[str, Any]], Loaded], path: str | Path, corpus: Corpus, *, command: str,
         measure: Callable[[Loaded], dict[str, Any]] | None = None) -> Path:  # fmt: skip
    """Make the trained checkpoint at ``path`` a shipped one (:func:`companion.checkpoint.ship`): no
    optimiser state, float32 weights, and a manifest with ``command`` and ``measure`` of the shipped
    model (default :func:`evaluate` on ``corpus``'s test split) under ``test``. Returns the manifest's
    path."""
    from .checkpoint import ship as ship_checkpoint

    measure = measure or (lambda model: evaluate(model, corpus))
    return ship_checkpoint(path, command=command, evaluate=lambda c: {"test": measure(loaded_from(c))})
