"""The GPT pipeline: a token codec + the decoder-only transformer + the LM trainer, for both
``gpt-chords`` (lesson 04, pitch-set tokens) and ``gpt-events`` (lesson 05, event tokens).

The codec is picked by model name through :func:`companion.codecs.tokens.codec_for`, so a new codec
plugs in without editing this module. The three zoo functions::

    train(model, corpus, *, steps, seed, out, resume) -> checkpoint dict (saved to ``out``)
    generate(checkpoint, *, bars, seed, temperature) -> Song
    evaluate(checkpoint, corpus, *, split, seed) -> dict of plain numbers

``evaluate`` on ``jsb`` gives the benchmark's **nats per quarter-note frame** (``nll_nats_per_frame``,
with the unseen-frame share and cost broken out, :func:`companion.likelihood.frame_nll`); on songs
(``bach``, ``jazz``, ``folder``) the NLL per token, and per grid frame where the codec has frames
(the chord codec's 16ths); on every corpus the shared metrics of :mod:`companion.metrics` on
generated music, with the copy rate against the training split *as the codec sees it* (tokenised and
decoded, so generated and training songs share one track layout and grid).

Optional codec hooks this module uses when a codec has them (see :mod:`companion.codecs.tokens`):
``unk_id`` (never sampled), ``frames_per_bar`` (generation samples exactly that many tokens per
bar; otherwise it samples in chunks until the decoded song is long enough), ``song_frames(song)``
(per-frame NLL on songs) and ``PIPELINE_DEFAULTS`` (``{corpus: {"steps", "gpt", "lm", "codec"}}``
merged over :data:`DEFAULTS`).

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns, and by the CLI.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..checkpoint import FORMAT, CheckpointError, resumable, save_checkpoint
from ..codecs import encodable
from ..codecs.tokens import MODELS as CODEC_MODELS
from ..codecs.tokens import TokenCodec, codec_class, codec_for, codec_from_dict
from ..data import Corpus
from ..device import resolve_device, to_cpu
from ..errors import CodecError, CompanionError
from ..likelihood import frame_nll, sequence_nll
from ..models.gpt import GPT, GPTConfig
from ..song import Song
from ..theory import JAZZ_REGISTERS
from ..train import Budget, seed_everything
from ..train.lm import LMConfig, LMResult, train_lm

_MODEL = {"max_len": 256, "d_model": 128, "num_heads": 4, "num_layers": 3, "d_ff": 512, "dropout": 0.2}
_LM = {"batch_size": 32, "context": 256, "lr": 1e-3, "weight_decay": 0.1, "eval_every": 200, "patience": 8}
_CHORDS_LM = {"batch_size": 16, "rare_to_unk": 0.5, "patience": 6}

DEFAULTS: dict[tuple[str, str], dict[str, Any]] = {
    ("gpt-chords", "jsb"): {
        "steps": 1500,
        "codec": {},
        "gpt": {**_MODEL, "max_len": 64, "d_model": 64, "d_ff": 256, "dropout": 0.3},
        "lm": {**_LM, **_CHORDS_LM, "context": 64, "eval_every": 50},
    },
    ("gpt-chords", "bach"): {
        "steps": 600,
        "codec": {"steps_per_beat": 4},
        "gpt": {**_MODEL, "max_len": 128, "d_model": 64, "d_ff": 256, "dropout": 0.3},
        "lm": {**_LM, **_CHORDS_LM, "context": 128, "eval_every": 50},
    },
    ("gpt-chords", "jazz"): {
        "steps": 300,
        "codec": {"steps_per_beat": 4},
        "gpt": {**_MODEL, "max_len": 128, "d_model": 64, "d_ff": 256, "dropout": 0.3},
        "lm": {**_LM, **_CHORDS_LM, "context": 128, "eval_every": 50},
    },
    ("gpt-events", "jsb"): {
        "steps": 3000,
        "codec": {},
        "gpt": {**_MODEL, "max_len": 512},
        "lm": {**_LM, "context": 512},
    },
    ("gpt-events", "bach"): {
        "steps": 1500,
        "codec": {},
        "gpt": {**_MODEL, "max_len": 512},
        "lm": {**_LM, "context": 512},
    },
    ("gpt-events", "jazz"): {
        "steps": 1500,
        "codec": {},
        "gpt": {**_MODEL, "max_len": 512},
        "lm": {**_LM, "context": 512},
    },
}
"""(model, corpus) -> default steps and codec / GPT / LM options ("folder" uses the "bach" row)."""

GENERATED_SONGS = 16
"""How many songs ``evaluate`` generates (seeds ``seed .. seed + 15``) for the shared metrics."""


class PipelineError(CompanionError):
    """A model/corpus pairing or a checkpoint this pipeline cannot handle."""


# ---------------------------------------------------------------------- configuration
def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (over or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


RECIPES = Path(__file__).resolve().parents[1] / "recipes"
"""Recipe files (plain JSON): ``<model>-polyphonic.json`` is the one recipe of a model on all four
polyphonic benchmarks (``jsb``, ``nottingham``, ``musedata``, ``pianomidi``)."""


def recipe_file(model: str, corpus: str, recipe: str | Path | None = "auto") -> Path | None:
    """The recipe file a model trains with on a corpus, or None where :data:`DEFAULTS` apply.

    ``recipe="auto"`` (what the CLI and :mod:`companion.zoo` use) picks ``<model>-polyphonic.json`` on
    the four benchmarks; ``None`` keeps :data:`DEFAULTS` (the lesson-04/05 sweeps, whose stored results
    were made with them); a name (``"gpt-events-polyphonic"``) or a path picks that file."""
    from ..data import BENCHMARK_CORPORA

    if recipe is None:
        return None
    if recipe == "auto":
        file = RECIPES / f"{model}-polyphonic.json"
        return file if corpus in BENCHMARK_CORPORA and file.is_file() else None
    file = Path(recipe) if Path(recipe).suffix == ".json" else RECIPES / f"{recipe}.json"
    if not file.is_file():
        raise PipelineError(f"{file}: no such recipe file")
    return file


def read_recipe(file: Path) -> dict[str, Any]:
    """A recipe file's settings (``steps``, ``max_cpu_seconds``, ``augment_transpose``, ``codec``, ``gpt``,
    ``lm``) and its provenance (``recipe``: file name and sha256)."""
    import hashlib
    import json

    raw = file.read_bytes()
    data = json.loads(raw)
    keys = ("steps", "max_cpu_seconds", "augment_transpose", "codec", "gpt", "lm")
    settings = {k: data[k] for k in keys if k in data}
    settings["recipe"] = {"file": f"companion/recipes/{file.name}", "sha256": hashlib.sha256(raw).hexdigest()}
    return settings


def default_config(model: str, corpus: str, recipe: str | Path | None = "auto") -> dict[str, Any]:
    """The default ``{"steps", "codec", "gpt", "lm"}`` of a model on a corpus: its recipe file on the
    polyphonic benchmarks (:func:`recipe_file`), else :data:`DEFAULTS` plus the codec's own
    ``PIPELINE_DEFAULTS`` when it has them."""
    if model not in CODEC_MODELS:
        raise PipelineError(f"the GPT pipeline has no codec for {model!r}")
    file = recipe_file(model, corpus, recipe)
    if file is not None:
        return read_recipe(file)
    key = (model, corpus if corpus in ("jsb", "bach", "jazz") else "bach")
    config = copy.deepcopy(DEFAULTS[key])
    codec_defaults = getattr(codec_class(model), "PIPELINE_DEFAULTS", {}) or {}
    return _merge(config, codec_defaults.get(key[1], {}))


# ---------------------------------------------------------------------- data
def _transpose_frames(frames: np.ndarray, semitones: int) -> np.ndarray | None:
    """Frames moved by ``semitones`` keys, or None when a sounding key would leave the 88."""
    if semitones == 0:
        return frames
    cols = np.flatnonzero(frames.any(axis=0))
    if len(cols) and (cols.min() + semitones < 0 or cols.max() + semitones >= frames.shape[1]):
        return None
    return np.roll(frames, semitones, axis=1)


def training_data(
    codec: TokenCodec, corpus: Corpus, *, augment_transpose: int = 0, fit: bool = True, skipped: list | None = None
):
    """Fit ``codec`` on the train split (unless ``fit=False``) and encode train and valid.

    Args:
        augment_transpose: also train on every piece transposed by -k..+k semitones (pieces that would
            leave the pitch range are skipped); the codec is fitted on the augmented train split.
        skipped: receives one line per song the codec refuses (another meter, too long ...): those
            songs are left out, not fatal.

    Returns:
        ``(train_sequences, valid_sequences)``, lists of token lists.
    """
    shifts = [0] + [s for k in range(1, augment_transpose + 1) for s in (k, -k)]
    if corpus.frames is not None:
        train = [t for f in corpus.frames["train"] for s in shifts if (t := _transpose_frames(f, s)) is not None]
        if fit:
            codec.fit_frames(train)
            if corpus.track is not None and hasattr(codec, "name_frame_track"):
                codec.name_frame_track(*corpus.track)
        return [codec.encode_frames(f)[0] for f in train], [codec.encode_frames(f)[0] for f in corpus.frames["valid"]]
    train_songs = [song.transpose(s) if s else song for song in corpus.train for s in shifts]
    train_songs = [s for s in train_songs if all(0 <= n.pitch <= 127 for t in s.tracks for n in t.notes)]
    skipped = skipped if skipped is not None else []
    if fit:
        try:
            codec.fit(train_songs)
        except CodecError:  # some song the codec cannot fit on: leave out each one it refuses alone
            train_songs = [song for song, _ in encodable(train_songs, lambda s: copy.deepcopy(codec).fit([s]), skipped)]
            codec.fit(train_songs)
    return [t for _, t in encodable(train_songs, codec.encode, skipped)], [
        t for _, t in encodable(corpus.valid, codec.encode, skipped)
    ]


# ---------------------------------------------------------------------- train
def train(
    model: str,
    corpus: Corpus,
    *,
    steps: int | None = None,
    seed: int = 0,
    out: str | Path | None = None,
    resume: bool = False,
    config: dict | None = None,
    max_seconds: float | None = None,
    max_cpu_seconds: float | None = None,
    show_progress: bool = True,
    command: str | None = None,
    recipe: str | Path | None = "auto",
    checkpoint_every: int | None = None,
    device: str | torch.device | None = "cpu",
) -> dict[str, Any]:
    """Train a GPT on a corpus; returns the checkpoint dict (also saved to ``out`` at every evaluation).

    Args:
        model: ``"gpt-chords"`` or ``"gpt-events"``.
        corpus: the corpus (its train split fits the codec and trains; valid drives early stopping).
        steps: optimiser steps (default: :data:`DEFAULTS`).
        seed: seeds the model's initialisation, batches and dropout.
        out: checkpoint file; with ``resume`` and an existing file, training continues from it.
        resume: continue from ``out``.
        config: overrides of :func:`default_config`, e.g. ``{"gpt": {"d_model": 64}, "lm": {"lr": 3e-4},
            "augment_transpose": 0}``.
        max_seconds: also stop after this much wall time.
        max_cpu_seconds: also stop after this much CPU time of the process (default: the recipe's
            ``max_cpu_seconds`` where it has one).
        show_progress: draw a progress bar.
        command: a command line to record in the checkpoint's ``train`` info (optional).
        recipe: which settings ``config`` is merged over (:func:`recipe_file`): ``"auto"``, the model's
            recipe file on a polyphonic benchmark; ``None``, :data:`DEFAULTS`.
        checkpoint_every: also save to ``out`` every this many steps between evaluations.
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"mps"`` (:func:`companion.device.resolve_device`);
            recorded as ``train["device"]`` (``cpu_seconds`` stays the CPU time of the process).

    Returns:
        The checkpoint dict (:mod:`companion.checkpoint` format) holding the best weights.
    """
    if model not in CODEC_MODELS:
        raise PipelineError(f"the GPT pipeline has no codec for {model!r}")
    device = resolve_device(device)
    settings = _merge(default_config(model, corpus.name, recipe), config or {})
    steps = int(steps if steps is not None else settings["steps"])
    if max_cpu_seconds is None:
        max_cpu_seconds = settings.get("max_cpu_seconds")
    if steps < 1:
        raise PipelineError(f"steps must be >= 1, not {steps}")
    out = Path(out) if out is not None else None
    previous = resumable(out, resume=resume, model=model, corpus=corpus.name)
    if previous is not None:
        settings = _merge(settings, {"gpt": previous["config"]["gpt"], "lm": previous["config"]["lm"],
                                     "augment_transpose": previous["train"].get("augment_transpose", 0)})  # fmt: skip
    seed_everything(seed)
    skipped: list[str] = []
    if previous is not None:
        codec = codec_from_dict(previous["codec"])
        train_seqs, valid_seqs = training_data(
            codec, corpus, augment_transpose=settings.get("augment_transpose", 0), fit=False, skipped=skipped
        )
    else:
        codec = codec_for(model, **settings.get("codec", {}))
        train_seqs, valid_seqs = training_data(
            codec, corpus, augment_transpose=settings.get("augment_transpose", 0), skipped=skipped
        )
    gpt_config = GPTConfig(
        vocab_size=codec.vocab_size, **{k: v for k, v in settings["gpt"].items() if k != "vocab_size"}
    )
    lm_config = LMConfig.from_dict(settings["lm"])
    lm_config.context = min(lm_config.context, gpt_config.max_len)
    net = GPT(gpt_config)

    info = {
        "corpus": corpus.name,
        "source": corpus.source,
        "seed": seed,
        "budget_steps": steps,
        "max_seconds": max_seconds,
        "max_cpu_seconds": max_cpu_seconds,
        "recipe": settings.get("recipe"),
        "train_sequences": len(train_seqs),
        "train_tokens": int(sum(len(s) for s in train_seqs)),
        "valid_tokens": int(sum(len(s) for s in valid_seqs)),
        "augment_transpose": int(settings.get("augment_transpose", 0)),
        "parameters": net.num_parameters(),
        "command": command,
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
        **({"skipped": skipped} if skipped else {}),
    }

    def build(state: dict) -> dict:
        return {
            "format": FORMAT,
            "model": model,
            "config": {"gpt": gpt_config.to_dict(), "lm": lm_config.to_dict()},
            "codec": codec.to_dict(),
            "state": state["best_state"],
            "train": {
                **info,
                "steps": state["step"],
                "wall_seconds": round(state["wall_seconds"], 1),
                "cpu_seconds": state.get("cpu_seconds"),
                "tokens_seen": state["tokens_seen"],
                "best_valid_nll_per_token": state["best_nll"],
                "best_step": state["best_step"],
                "stopped_early": state["stopped_early"],
                "history": state["history"],
            },
            "optimizer": {
                k: state[k]
                for k in (
                    "optimizer",
                    "current_state",
                    "generator",
                    "torch_rng",
                    "step",
                    "tokens_seen",
                    "history",
                    "best_nll",
                    "best_step",
                    "bad_evals",
                    "wall_seconds",
                    "cpu_seconds",
                    "best_state",
                )
            },  # fmt: skip
        }

    latest: dict[str, Any] = {}

    def on_checkpoint(state: dict) -> None:
        latest["checkpoint"] = to_cpu(build(state))
        if out is not None:
            save_checkpoint(out, latest["checkpoint"])

    result: LMResult = train_lm(
        net,
        train_seqs,
        valid_seqs,
        lm_config,
        Budget(steps, max_seconds, max_cpu_seconds),
        pad_id=codec.pad_id,
        unk_id=getattr(codec, "unk_id", None),
        rare_ids=codec.rare_ids() if hasattr(codec, "rare_ids") else (),
        seed=seed,
        resume=previous["optimizer"] if previous is not None else None,
        on_checkpoint=on_checkpoint,
        checkpoint_every=checkpoint_every,
        show_progress=show_progress,
        desc=f"{model} {corpus.name}",
        device=device,
    )
    if "checkpoint" not in latest:  # a non-zero rank under torchrun: nothing saved, hand back the weights
        latest["checkpoint"] = build(
            {
                "best_state": net.state_dict(),
                "step": result.steps,
                "wall_seconds": result.wall_seconds,
                "tokens_seen": result.tokens_seen,
                "best_nll": result.best_valid_nll,
                "best_step": result.best_step,
                "stopped_early": result.stopped_early,
                "history": result.history,
                "cpu_seconds": None,
                "optimizer": None,
                "current_state": None,
                "generator": None,
                "torch_rng": None,
                "bad_evals": 0,
            }  # fmt: skip
        )
    return to_cpu(latest["checkpoint"])


# ---------------------------------------------------------------------- load
def load_model(checkpoint: dict[str, Any], device: str | torch.device | None = "cpu") -> tuple[GPT, TokenCodec]:
    """The network (eval mode, best weights, on ``device``) and the fitted codec of a checkpoint."""
    if checkpoint.get("model") not in CODEC_MODELS:
        raise PipelineError(f"not a GPT checkpoint: model {checkpoint.get('model')!r}")
    try:
        codec = codec_from_dict(checkpoint["codec"])
        net = GPT(GPTConfig(**checkpoint["config"]["gpt"]))
        net.load_state_dict(checkpoint["state"])
    except (KeyError, TypeError, RuntimeError) as exc:
        raise CheckpointError(f"GPT checkpoint does not fit its model ({str(exc).splitlines()[0]})") from None
    return net.to(resolve_device(device)).eval(), codec


# ---------------------------------------------------------------------- generate
def _banned(codec: TokenCodec) -> list[int]:
    ids = [codec.pad_id, codec.bos_id, codec.eos_id]
    unk = getattr(codec, "unk_id", None)
    return ids + ([unk] if unk is not None else [])


def generate_tokens(
    net: GPT,
    codec: TokenCodec,
    *,
    bars: int,
    seed: int = 0,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    num_songs: int = 1,
) -> list[list[int]]:
    """Token lists (``BOS ...``) of ``num_songs`` songs of at least ``bars`` bars, sampled in one batch
    from a ``torch.Generator`` seeded with ``seed`` (PAD, BOS, EOS and UNK are never sampled)."""
    generator = torch.Generator().manual_seed(seed)
    prompt = torch.full((num_songs, 1), codec.bos_id, dtype=torch.long)
    kwargs = {"temperature": temperature, "top_k": top_k, "top_p": top_p, "generator": generator,
              "banned": _banned(codec)}  # fmt: skip
    per_bar = getattr(codec, "frames_per_bar", None)
    if per_bar:
        new = net.generate(prompt, bars * int(per_bar), **kwargs)
        return torch.cat([prompt, new], dim=1).tolist()
    chunk = int(getattr(codec, "generation_chunk", 128))
    limit = max(chunk, bars * 4 * chunk)
    tokens = prompt
    while tokens.shape[1] < limit:
        tokens = torch.cat([tokens, net.generate(tokens, chunk, **kwargs)], dim=1)
        songs = [codec.decode(row) for row in tokens.tolist()]
        if all(s.end_tick >= bars * s.ticks_per_bar for s in songs):
            break
    return tokens.tolist()


def _crop(song: Song, bars: int, title: str) -> Song:
    cropped = song.crop(0, bars * song.ticks_per_bar)
    cropped.title = title
    return cropped


def generate(
    checkpoint: dict[str, Any],
    *,
    bars: int = 8,
    seed: int = 0,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    device: str | torch.device | None = "cpu",
) -> Song:
    """One song of ``bars`` bars; the same checkpoint and seed give the same song (and MIDI bytes) on
    the same device (the network runs on ``device``; the seed's generator stays on the CPU)."""
    if bars < 1:
        raise PipelineError(f"bars must be >= 1, not {bars}")
    net, codec = load_model(checkpoint, device)
    tokens = generate_tokens(net, codec, bars=bars, seed=seed, temperature=temperature, top_k=top_k, top_p=top_p)[0]
    title = f"{checkpoint['model']} {checkpoint['train'].get('corpus', '')} seed {seed}"
    return _crop(codec.decode(tokens), bars, title)


def generate_songs(
    checkpoint: dict[str, Any],
    *,
    num_songs: int,
    bars: int = 8,
    seed: int = 0,
    temperature: float = 1.0,
    device: str | torch.device | None = "cpu",
) -> list[Song]:
    """``num_songs`` songs of ``bars`` bars sampled in one batch (seeded; faster than one by one)."""
    net, codec = load_model(checkpoint, device)
    rows = generate_tokens(net, codec, bars=bars, seed=seed, temperature=temperature, num_songs=num_songs)
    name = f"{checkpoint['model']} {checkpoint['train'].get('corpus', '')}"
    return [_crop(codec.decode(row), bars, f"{name} seed {seed} #{i}") for i, row in enumerate(rows)]


def codec_view(codec: TokenCodec, corpus: Corpus, split: str = "train") -> list[Song]:
    """A split as the codec sees it -- tokenised and decoded (e.g. merged to one track on a 16th grid):
    the reference for the copy rate of generated music."""
    if corpus.frames is not None:
        return [
            codec.decode(codec.encode_frames(f)[0], title=f"{split} {i}") for i, f in enumerate(corpus.frames[split])
        ]
    return [codec.decode(codec.encode(s), title=s.title) for s in corpus.splits[split]]


# ---------------------------------------------------------------------- evaluate
def evaluate(
    checkpoint: dict[str, Any],
    corpus: Corpus,
    *,
    split: str = "test",
    seed: int = 0,
    num_songs: int = GENERATED_SONGS,
    bars: int = 8,
    device: str | torch.device | None = "cpu",
) -> dict[str, Any]:
    """Likelihood of ``split`` and the shared metrics of generated music.

    Returns:
        On a frame corpus (``jsb``): ``nll_nats_per_frame``, ``unseen_frame_share`` and the breakdown of
        :func:`companion.likelihood.frame_nll`. On songs: ``nll_nats_per_token`` and, when the codec
        has grid frames, ``nll_nats_per_frame`` / ``unseen_frame_share`` per grid frame
        (``frame_steps_per_beat`` says which grid). Always: ``model``, ``corpus``, ``split``,
        ``parameters``, ``vocab_size``, ``published`` (on a benchmark: its table of published test NLLs,
        each labelled exact, bound or estimate; empty on another file of the format), and
        ``generated``: :func:`companion.metrics.corpus_metrics` of ``num_songs`` songs of ``bars``
        bars with the copy rate against the training split as the codec sees it.
    """
    from .. import metrics

    if split not in corpus.splits:
        raise PipelineError(f"corpus {corpus.name} has no split {split!r}")
    started = time.perf_counter()
    net, codec = load_model(checkpoint, device)
    result: dict[str, Any] = {
        "model": checkpoint["model"],
        "corpus": corpus.name,
        "split": split,
        "parameters": net.num_parameters(),
        "vocab_size": codec.vocab_size,
        "context": net.max_len,
    }
    if corpus.frames is not None:
        result.update(frame_nll(net, codec, corpus.frames[split]))
        result["benchmark"] = corpus.name if corpus.published else None
        result["published"] = corpus.published
    else:
        songs = corpus.splits[split]
        result.update(sequence_nll(net, [codec.encode(s) for s in songs]))
        if hasattr(codec, "song_frames"):
            frames = [f for f in (codec.song_frames(s) for s in songs) if len(f)]
            scored = frame_nll(net, codec, frames)
            result["frame_steps_per_beat"] = getattr(codec, "steps_per_beat", None)
            for key in ("nll_nats_per_frame", "frames", "unseen_frame_share", "unseen_frames",
                        "unseen_nats_per_frame", "extra_nats_per_frame"):  # fmt: skip
                result[key] = scored[key]
    generated = generate_songs(checkpoint, num_songs=num_songs, bars=bars, seed=seed, device=device)
    registers = JAZZ_REGISTERS if corpus.name == "jazz" else None
    result["generated"] = metrics.corpus_metrics(generated, registers=registers, training=codec_view(codec, corpus))
    result["seconds"] = round(time.perf_counter() - started, 1)
    return _plain(result)


def _plain(value: Any) -> Any:
    """JSON-able: numpy scalars to Python, NaN to None, floats rounded to 4 decimals."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value


# ---------------------------------------------------------------------- shipping
def ship(path: str | Path, command: str, corpus: Corpus) -> Path:
    """Turn a trained checkpoint into a shipped one (:func:`companion.checkpoint.ship`), its manifest
    holding :func:`evaluate` on ``corpus``'s test split under ``test``. Returns the manifest's path."""
    from ..checkpoint import ship as ship_checkpoint

    return ship_checkpoint(path, command=command, evaluate=lambda c: {"test": evaluate(c, corpus)})
