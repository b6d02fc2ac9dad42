"""The GPT family: a token codec + the decoder-only transformer + the LM trainer, for ``gpt-chords``
(lesson 04, pitch-set tokens) and ``gpt-events`` (lesson 05, event tokens), on the protocol of
:mod:`companion.family` (what is shared -- the training skeleton, loading, the one ``evaluate`` -- is
there; this module holds what is the GPT's own: its codec and data, its network, its sampler and its
likelihood).

Recipes are data: ``companion/recipes/<model>.json`` per corpus, and ``<model>-polyphonic.json`` on
the four polyphonic benchmarks (picked by ``recipe="auto"``, what the CLI and the zoo use).

The likelihood (:meth:`GPTFamily.likelihood`): on ``jsb`` and the other benchmarks, **nats per
quarter-note frame** (``nll_nats_per_frame``, with the unseen-frame share and cost broken out,
:func:`companion.likelihood.frame_nll`); on songs the NLL per token, and per grid frame where the
codec has frames (the chord codec's 16ths). The copy rate's reference is the training split *as the
codec sees it* (:func:`codec_view`: tokenised and decoded).

Optional codec hooks used when a codec has them (see :mod:`companion.codecs.tokens`): ``unk_id``
(never sampled), ``frames_per_bar`` (generation samples exactly that many tokens per bar; otherwise it
samples in chunks until the decoded song is long enough), ``running_length()`` (that length read token
by token instead of decoding every row after every chunk) and ``song_frames(song)``.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns, through
:mod:`companion.zoo` and the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from .. import family
from ..codecs.token_data import codec_view, training_data
from ..codecs.tokens import TokenCodec, codec_for, codec_from_dict
from ..data import BENCHMARK_CORPORA, Corpus
from ..family import Family, FamilyError, Loaded, Run
from ..likelihood import frame_nll, sequence_nll
from ..models.gpt import GPT, GPTConfig
from ..song import Song
from ..train import Budget
from ..train.lm import LMConfig, train_lm

CODECS = {"gpt-chords": "chords", "gpt-events": "events"}
"""The family's models and the registered token codec each one reads (:mod:`companion.codecs.base`)."""
CODEC_MODELS = CODECS

PipelineError = FamilyError
"""The name this module's errors had before :mod:`companion.family` (kept for old code)."""

RESUME_KEYS = ("optimizer", "current_state", "generator", "torch_rng", "step", "tokens_seen", "history",
               "best_nll", "best_step", "bad_evals", "wall_seconds", "cpu_seconds", "best_state")  # fmt: skip
"""What the LM trainer needs to continue a run (the checkpoint's ``optimizer`` section)."""


# ---------------------------------------------------------------------- recipes
def recipe_file(model: str, corpus: str, recipe: str | Path | None = "auto") -> Path | None:
    """A recipe file that replaces ``recipes/<model>.json``'s entry, or None: ``"auto"`` picks
    ``<model>-polyphonic.json`` on the four benchmarks; ``None`` keeps ``<model>.json`` everywhere
    (the lesson-04/05 sweeps, whose stored results were made with it); a name or a path picks that file."""
    if recipe is None:
        return None
    if recipe == "auto":
        file = family.RECIPES / f"{model}-polyphonic.json"
        return file if corpus in BENCHMARK_CORPORA and file.is_file() else None
    file = Path(recipe) if Path(recipe).suffix == ".json" else family.RECIPES / f"{recipe}.json"
    if not file.is_file():
        raise FamilyError(f"{file}: no such recipe file")
    return file


def default_config(model: str, corpus: str, recipe: str | Path | None = "auto") -> dict[str, Any]:
    """The settings (``steps``, ``max_cpu_seconds``, ``augment_transpose``, ``codec``, ``gpt``, ``lm``,
    and ``recipe``: the file and its sha256) ``model`` trains with on ``corpus``."""
    if model not in CODEC_MODELS:
        raise FamilyError(f"the GPT family has no codec for {model!r}")
    file = recipe_file(model, corpus, recipe)
    if file is None:
        return family.recipe(model, corpus if corpus in ("jsb", "bach", "jazz") else "bach")
    data, provenance = family.read_recipe(file)
    keys = ("steps", "max_cpu_seconds", "augment_transpose", "codec", "gpt", "lm")
    return {**{k: data[k] for k in keys if k in data}, "recipe": provenance}


# ---------------------------------------------------------------------- sampling
def _banned(codec: TokenCodec) -> list[int]:
    ids = [codec.pad_id, codec.bos_id, codec.eos_id]
    unk = getattr(codec, "unk_id", None)
    return ids + ([unk] if unk is not None else [])


def generate_tokens(net: GPT, codec: TokenCodec, *, bars: int, seed: int = 0, temperature: float = 1.0,
                    top_k: int | None = None, top_p: float | None = None,
                    num_songs: int = 1) -> list[list[int]]:  # fmt: skip
    """Token lists (``BOS ...``) of ``num_songs`` songs of at least ``bars`` bars, sampled in one batch
    from a ``torch.Generator`` seeded with ``seed`` (PAD, BOS, EOS and UNK are never sampled). A song
    that has reached ``bars`` bars leaves the batch, so one song that is slow to advance time does not
    keep the whole batch generating (one song alone gives the same tokens as before this rule)."""
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
    tokens, rows, done = prompt, list(range(num_songs)), {}
    running = getattr(codec, "running_length", None)
    lengths = [running() if running else None for _ in rows]
    read = 0  # tokens of every row that its running length has read
    while rows and tokens.shape[1] < limit:  # a row that reached `bars` bars leaves the batch
        tokens = torch.cat([tokens, net.generate(tokens, chunk, **kwargs)], dim=1)
        keep = []
        for position, (row, ids) in enumerate(zip(rows, tokens.tolist())):
            if _has_bars(codec, ids, lengths[position], read, bars):
                done[row] = ids
            else:
                keep.append(position)
        read = tokens.shape[1]
        tokens, rows, lengths = tokens[keep], [rows[k] for k in keep], [lengths[k] for k in keep]
    done.update(zip(rows, tokens.tolist()))
    return [done[row] for row in range(num_songs)]


def _has_bars(codec: TokenCodec, ids: list[int], length: Any, read: int, bars: int) -> bool:
    """Whether ``codec.decode(ids)`` lasts ``bars`` bars (its last note ends at or after the end of
    bar ``bars``, first time signature). ``length``: the codec's ``running_length()`` for this row,
    which has read ``ids[:read]`` and reads the rest, so a long song is not decoded after every chunk;
    None, or a running length that cannot tell: decoded."""
    if length is not None:
        length.read(ids[read:])
        known = length.end_and_bar()
        if known is not None:
            return known[0] >= bars * known[1]
    song = codec.decode(ids)
    return song.end_tick >= bars * song.ticks_per_bar


def _crop(song: Song, bars: int, title: str) -> Song:
    cropped = song.crop(0, bars * song.ticks_per_bar)
    cropped.title = title
    return cropped


# ---------------------------------------------------------------------- the family
class GPTFamily(Family):
    """The GPT's own parts (see the module docstring)."""

    name = "gpt"
    models = tuple(CODEC_MODELS)

    checkpoint_every = None  # the LM trainer saves at every evaluation

    def recipe(self, model: str, corpus: str, choice: str | Path | None = "auto") -> dict[str, Any]:
        return default_config(model, corpus, choice)

    def setup(self, model, corpus, settings, previous, *, seed, device, show_progress, checkpoint_every) -> Run:
        skipped: list[str] = []
        if previous is not None:
            settings = family.merge(settings, {"gpt": previous["config"]["gpt"], "lm": previous["config"]["lm"],
                                    "augment_transpose": previous["train"].get("augment_transpose", 0)})  # fmt: skip
            codec = codec_from_dict(previous["codec"])
        else:
            codec = codec_for(CODECS[model], **settings.get("codec", {}))
        augment = int(settings.get("augment_transpose", 0))
        train_seqs, valid_seqs = training_data(codec, corpus, augment_transpose=augment, fit=previous is None,
                                               skipped=skipped)  # fmt: skip
        gpt_config = GPTConfig(vocab_size=codec.vocab_size, **{k: v for k, v in settings["gpt"].items()
                                                                if k != "vocab_size"})  # fmt: skip
        lm_config = LMConfig.from_dict(settings["lm"])
        lm_config.context = min(lm_config.context, gpt_config.max_len)
        net = GPT(gpt_config)
        info = {"train_sequences": len(train_seqs), "train_tokens": int(sum(len(s) for s in train_seqs)),
                "valid_tokens": int(sum(len(s) for s in valid_seqs)), "augment_transpose": augment,
                "parameters": net.num_parameters(), **({"skipped": skipped} if skipped else {})}  # fmt: skip

        def part(state: dict) -> dict:
            train = {"steps": state["step"], "wall_seconds": round(state["wall_seconds"], 1),
                     "tokens_seen": state["tokens_seen"], "best_valid_nll_per_token": state["best_nll"],
                     "best_step": state["best_step"], "stopped_early": state["stopped_early"],
                     "history": state["history"]}  # fmt: skip
            return {"state": state["best_state"], "train": train, "optimizer": {k: state[k] for k in RESUME_KEYS}}

        def fit(budget: Budget, save) -> None:
            saved = []
            result = train_lm(net, train_seqs, valid_seqs, lm_config, budget, pad_id=codec.pad_id,
                              unk_id=getattr(codec, "unk_id", None),
                              rare_ids=codec.rare_ids() if hasattr(codec, "rare_ids") else (), seed=seed,
                              resume=previous["optimizer"] if previous is not None else None,
                              on_checkpoint=lambda state: saved.append(save(part(state))),
                              checkpoint_every=checkpoint_every, show_progress=show_progress is not False,
                              desc=f"{model} {corpus.name}", device=device)  # fmt: skip
            if not saved:  # a non-zero rank under torchrun: nothing written, the weights handed back
                state = {"best_state": net.state_dict(), "step": result.steps, "wall_seconds": result.wall_seconds,
                         "tokens_seen": result.tokens_seen, "best_nll": result.best_valid_nll,
                         "best_step": result.best_step, "stopped_early": result.stopped_early,
                         "history": result.history, **{k: None for k in RESUME_KEYS[:4]}, "bad_evals": 0,
                         "cpu_seconds": None}  # fmt: skip
                save(part(state), write=False)

        config = {"gpt": gpt_config.to_dict(), "lm": lm_config.to_dict()}
        return Run(config=config, codec=codec.to_dict(), info=info, fit=fit)

    def network(self, checkpoint: dict[str, Any], device: Any) -> GPT:
        try:
            net = GPT(GPTConfig(**checkpoint["config"]["gpt"]))
            net.load_state_dict(checkpoint["state"])
        except (KeyError, TypeError, RuntimeError) as exc:
            raise FamilyError(f"GPT checkpoint does not fit its model ({str(exc).splitlines()[0]})") from None
        return net.to(device).eval()

    def codec(self, checkpoint: dict[str, Any]) -> TokenCodec:
        return codec_from_dict(checkpoint["codec"])

    def parameters(self, loaded: Loaded) -> int:
        return loaded.network.num_parameters()

    def sample(self, loaded: Loaded, count: int, *, bars: int, seed: int, temperature: float) -> list[Song]:
        rows = generate_tokens(loaded.network, loaded.codec, bars=bars, seed=seed, temperature=temperature,
                               num_songs=count)  # fmt: skip
        name = f"{loaded.model} {loaded.corpus}"
        return [_crop(loaded.codec.decode(row), bars, f"{name} seed {seed} #{i}") for i, row in enumerate(rows)]

    def generate(self, loaded: Loaded, *, bars: int, seed: int, temperature: float, top_k: int | None = None,
                 top_p: float | None = None) -> Song:  # fmt: skip
        tokens = generate_tokens(loaded.network, loaded.codec, bars=bars, seed=seed, temperature=temperature,
                                 top_k=top_k, top_p=top_p)[0]  # fmt: skip
        return _crop(loaded.codec.decode(tokens), bars, loaded.title(seed))

    def likelihood(self, loaded: Loaded, corpus: Corpus, split: str) -> dict[str, Any]:
        net, codec = loaded.network, loaded.codec
        result: dict[str, Any] = {"vocab_size": codec.vocab_size, "context": net.max_len}
        if corpus.frames is not None:
            result.update(frame_nll(net, codec, corpus.frames[split]))
            result["benchmark"] = corpus.name if corpus.published else None
            result["published"] = corpus.published
            return result
        songs = corpus.splits[split]
        result.update(sequence_nll(net, [codec.encode(s) for s in songs]))
        if hasattr(codec, "song_frames"):
            scored = frame_nll(net, codec, [f for f in (codec.song_frames(s) for s in songs) if len(f)])
            result["frame_steps_per_beat"] = getattr(codec, "steps_per_beat", None)
            for key in ("nll_nats_per_frame", "frames", "unseen_frame_share", "unseen_frames",
                        "unseen_nats_per_frame", "extra_nats_per_frame"):  # fmt: skip
                result[key] = scored[key]
        return result

    def view(self, loaded: Loaded, corpus: Corpus, split: str) -> list[Song]:
        return codec_view(loaded.codec, corpus, split)


FAMILY = GPTFamily()


# ---------------------------------------------------------------------- the API of old code
def _loaded(checkpoint: dict[str, Any] | Loaded, device: Any = "cpu") -> Loaded:
    return checkpoint if isinstance(checkpoint, Loaded) else family.load(FAMILY, checkpoint, device=device)


def train(model: str, corpus: Corpus, *, config: dict | None = None, recipe: str | Path | None = "auto",
          **options: Any) -> dict[str, Any]:  # fmt: skip
    """:func:`companion.family.train` of a GPT (``config``: overrides of the recipe, e.g.
    ``{"gpt": {"d_model": 64}, "lm": {"lr": 3e-4}, "augment_transpose": 0}``; ``recipe``: see
    :func:`recipe_file`); returns the checkpoint dict."""
    return family.train(FAMILY, model, corpus, overrides=config, recipe=recipe, **options)


def load_model(checkpoint: dict[str, Any] | Loaded, device: Any = "cpu") -> tuple[GPT, TokenCodec]:
    """The network (eval mode, best weights, on ``device``) and the fitted codec of a checkpoint."""
    loaded = _loaded(checkpoint, device)
    return loaded.network, loaded.codec


def generate(checkpoint: dict[str, Any] | Loaded, *, bars: int = 8, seed: int = 0, temperature: float = 1.0,
             top_k: int | None = None, top_p: float | None = None, device: Any = "cpu") -> Song:  # fmt: skip
    """One song of ``bars`` bars; the same checkpoint and seed give the same song (and MIDI bytes)."""
    family.check_bars(bars)
    return FAMILY.generate(_loaded(checkpoint, device), bars=bars, seed=seed, temperature=temperature, top_k=top_k,
                           top_p=top_p)  # fmt: skip


def generate_songs(checkpoint: dict[str, Any] | Loaded, *, num_songs: int, bars: int = 8, seed: int = 0,
                   temperature: float = 1.0, device: Any = "cpu") -> list[Song]:  # fmt: skip
    """``num_songs`` songs of ``bars`` bars sampled in one batch (seeded; faster than one by one)."""
    return family.sample(_loaded(checkpoint, device), num_songs, bars=bars, seed=seed, temperature=temperature)


def evaluate(checkpoint: dict[str, Any] | Loaded, corpus: Corpus, **options: Any) -> dict[str, Any]:
    """:func:`companion.family.evaluate` of a GPT checkpoint (``num_songs``: its ``songs``)."""
    if "num_songs" in options:
        options["songs"] = options.pop("num_songs")
    return family.evaluate(_loaded(checkpoint, options.pop("device", "cpu")), corpus, **options)
