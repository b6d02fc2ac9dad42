"""The MuseGAN family (lesson 02), :data:`FAMILY`: ``musegan-jamming``, ``musegan-composer`` and
``musegan-hybrid`` on ``bach`` (4 tracks S/A/T/B) and ``jazz`` (5 tracks, drums included) -- the
phrase-roll codec (:mod:`companion.codecs.phrases`: 4-bar phrases at 12 steps per beat, 84 pitches from
MIDI 24, the tempo and tracks a roll needs to become MIDI), the three generators and critics
(:mod:`companion.models.musegan`) and the WGAN-GP trainer (:mod:`companion.train.gan`). Its settings are
the recipes ``companion/recipes/musegan-*.json``; :mod:`companion.family` (or :mod:`companion.zoo`)
trains, loads, generates, evaluates and ships it like every family::

    checkpoint = family.train(FAMILY, "musegan-hybrid", corpus, steps=200, max_cpu_seconds=60,
                              overrides={"config": {"binarize": "straight-through"}, "snapshot_every": 50})
    song = family.generate(family.load(FAMILY, checkpoint), bars=8, seed=0)

``overrides`` also take ``max_bars`` (train on the split's first bars), ``gan`` (:class:`GANConfig`) and
``batch_size``; ``snapshot_every`` keeps 4 fixed latents' output in ``train["snapshots"]``.

**Binarisation.** ``binarize="hard"`` in the config (the paper, and the shipped checkpoints: the critic
judges the generator's probabilities) or ``"straight-through"`` (BinaryMuseGAN: it judges the binary
roll); ``python -m companion.measurements.lesson02_musegan.binarize`` measures both. ``sampling`` reads a roll from
the probabilities: ``"hard"`` (0.5, the paper), ``"bernoulli"`` or ``"hysteresis"`` -- the codec's rule,
the default: on above 0.5, held while above 0.4; it joins notes the network almost held and never
removes or shortens one.

**More than 4 bars.** Longer songs chain 4-bar phrases that share the time-independent latents (``z``
and each ``z_i``: the "style") and draw new temporal ones; nothing else connects them -- one of the
lesson's measured limits. **Lesson 02's diagnostics** (:func:`diagnostics`, the family's ``extras``): the
paper's Table 1, QN under the plain threshold against the rule, and notes per bar.

Used by notebooks 02_musegan and 06_diminishing_returns (through :mod:`companion.zoo`), the CLI and the
measurements ``lesson02_musegan.binarize`` and ``lesson02_musegan.datasize`` (through :mod:`companion.zoo`
and the hooks :meth:`MuseGANFamily.phrases`, :meth:`MuseGANFamily.diagnostics` and
:meth:`MuseGANFamily.real_phrases`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..codecs.phrases import BARS, PITCHES, STEPS_PER_BAR, PhraseRollCodec, Phrases, in_four_four
from ..data import Corpus, registers_for
from ..family import Family, Loaded, Run, load, real_excerpts
from ..models.musegan import MuseGANConfig, MuseGANGenerator, build, count_parameters
from ..recipes import merge, recipe
from ..song import Song
from ..theory import STEPS_PER_BEAT
from ..train import Budget
from ..train.gan import GANConfig, GANTrainer, RandomBatches

MODELS = ("musegan-jamming", "musegan-composer", "musegan-hybrid")
DIAGNOSTIC_BARS = 2000
"""Bars :func:`diagnostics` generates (500 independent phrases of 4 bars)."""

PAPER_TABLE1: dict[str, Any] = {
    "source": "Dong et al., MuseGAN, AAAI 2018, Table 1 (LPD rock, 5 tracks: Bass, Drums, Guitar, Piano, Strings)",
    "EB": {"data": {"Bass": 8.06, "Drums": 8.06, "Guitar": 19.4, "Piano": 24.8, "Strings": 10.1}},
    "UPC": {
        "data": {"Bass": 1.71, "Guitar": 3.08, "Piano": 3.28, "Strings": 3.38},
        "hybrid": {"Bass": 2.35, "Guitar": 4.76, "Piano": 5.45, "Strings": 5.24},
    },
    "QN": {
        "data": {"Bass": 90.0, "Guitar": 81.9, "Piano": 88.4, "Strings": 89.6},
        "hybrid": {"Bass": 44.6, "Guitar": 43.2, "Piano": 45.5, "Strings": 52.0},
    },
    "QN_min_steps": 3,
}
"""The paper's Table-1 figures the course quotes (Dong et al. 2018, Table 1); per-track means are computed from them."""

RULES = {"hysteresis": "on above {on}, held while above {hold}", "hard": "on above 0.5",
         "bernoulli": "each cell drawn with its probability"}  # fmt: skip
"""How each ``sampling`` reads a roll from the probabilities (for :func:`diagnostics`' ``decoding``)."""

TABLE_ROWS = (("EB_mean", "EB (% empty bars)"), ("UPC_mean", "UPC (pitch classes per bar)"),
              ("QN_mean", "QN (% notes >= 3 steps)"), ("DP", "DP (% drum onsets on 8th/16th grid)"),
              ("TD_mean", "TD (tonal distance)"), ("chord_tone_rate", "chord-tone rate (recognised)"),
              ("register_adherence_mean", "register adherence"), ("diversity", "diversity"),
              ("copy_rate", "copy rate (4-bar windows)"))  # fmt: skip
"""The rows of :func:`diagnostics`' ``table``: metric key, label."""


def model_config(model: str, tracks: int, **overrides: Any) -> MuseGANConfig:
    """The :class:`MuseGANConfig` of a model name (``musegan-hybrid`` -> mode ``hybrid``) as its recipe
    sets it, with ``overrides``."""
    FAMILY.check(model)
    return _config(model, tracks, merge(recipe(model, "bach")["config"], overrides))


def _config(model: str, tracks: int, config: dict[str, Any]) -> MuseGANConfig:
    return MuseGANConfig(**{"mode": model.split("-", 1)[1], "tracks": tracks, **config})


# ---------------------------------------------------------------------- the family
class MuseGANFamily(Family):
    """MuseGAN's data, networks, trainer and sampler (the rest: :mod:`companion.family`)."""

    name = "musegan"
    models = MODELS

    def setup(self, model: str, corpus: Corpus, settings: dict[str, Any], previous: dict[str, Any] | None, *,
              seed: int, device: Any, show_progress: bool | None, checkpoint_every: int) -> Run:  # fmt: skip
        if previous is not None:  # a resumed run keeps its own settings
            held = previous["config"]
            settings = {**settings, "config": held["model"], "gan": held["gan"], "batch_size": held["batch_size"],
                        "max_bars": previous["train"].get("max_bars")}  # fmt: skip
        phrases = Phrases(corpus.train, max_bars=settings.get("max_bars"))
        net = _config(model, len(phrases.tracks), settings.get("config", {}))
        gan = GANConfig(**{k: tuple(v) if k == "betas" else v for k, v in settings.get("gan", {}).items()})
        generator, critic = build(net)
        if previous is None:
            generator.init_prior(phrases.pitch_frequency())
        batch_size = int(settings.get("batch_size", 8))
        batches = RandomBatches(phrases.sample, batch_size, seed=seed + 1)

        def sample_latent(n: int, rng: torch.Generator) -> torch.Tensor:
            return torch.randn((n, *net.latent_shape), generator=rng)

        trainer = GANTrainer(generator, critic, sample_latent, batches, gan, seed=seed, device=device)
        if previous is not None:
            trainer.load_state(previous)
        every = int(settings.get("snapshot_every") or 0)
        latent = sample_latent(4, torch.Generator().manual_seed(seed + 2)) if every else None

        def fit(budget: Budget, save) -> dict[str, Any] | None:
            trainer.fit(budget, show_progress=show_progress, desc=f"{model} {corpus.name}", snapshot_every=every,
                        snapshot_latent=latent, checkpoint_every=checkpoint_every,
                        on_checkpoint=lambda t: save(t.state()))  # fmt: skip
            return {"snapshots": [(step, s > 0.5) for step, s in trainer.snapshots]} if every else None

        info = {"max_bars": settings.get("max_bars"), "train_bars": phrases.bars, "train_phrases": len(phrases.starts),
                "skipped_songs": len(phrases.skipped), **({"skipped": phrases.skipped} if phrases.skipped else {}),
                "dropped_notes": phrases.dropped_notes,
                "parameters": {"generator": count_parameters(generator), "critic": count_parameters(critic)},
                }  # fmt: skip
        config = {"model": net.to_dict(), "gan": gan.to_dict(), "batch_size": batch_size}
        return Run(config, phrases.codec().to_dict(), info, fit)

    def network(self, checkpoint: dict[str, Any], device: Any) -> MuseGANGenerator:
        generator = MuseGANGenerator(MuseGANConfig(**checkpoint["config"]["model"]))
        generator.load_state_dict({k[10:]: v for k, v in checkpoint["state"].items() if k.startswith("generator.")})
        return generator.to(device).eval()

    def codec(self, checkpoint: dict[str, Any]) -> PhraseRollCodec:
        return PhraseRollCodec.from_dict(checkpoint["codec"])

    def generate(self, loaded: Loaded, *, bars: int, seed: int, temperature: float = 1.0) -> Song:
        return generate(loaded, bars=bars, seed=seed, temperature=temperature)

    def sample(self, loaded: Loaded, count: int, *, bars: int, seed: int, temperature: float = 1.0) -> list[Song]:
        """``count`` songs of chained phrases, song ``i`` from seed ``seed + i`` (what :func:`generate` gives)."""
        return [generate(loaded, bars=bars, seed=seed + i, temperature=temperature) for i in range(count)]

    def extras(self, loaded: Loaded, corpus: Corpus, split: str, seed: int) -> dict[str, Any]:
        return diagnostics(loaded, corpus, split=split, seed=seed)

    # lesson 02's own hooks, reached through a Loaded (``loaded.family``) by its measurements
    def phrases(self, loaded: Loaded, count: int, *, seed: int = 0, temperature: float = 1.0,
                sampling: str | None = None) -> list[Song]:  # fmt: skip
        """``count`` independent 4-bar phrases read with ``sampling`` (:func:`generate_phrases`)."""
        return generate_phrases(loaded, count, seed=seed, temperature=temperature, sampling=sampling)

    def diagnostics(self, loaded: Loaded, corpus: Corpus, *, split: str = "test", seed: int = 0,
                    bars: int = DIAGNOSTIC_BARS, sampling: str | None = None) -> dict[str, Any]:  # fmt: skip
        """Lesson 02's figures on ``bars`` generated bars (:func:`diagnostics`; :meth:`extras` at 2,000)."""
        return diagnostics(loaded, corpus, split=split, seed=seed, bars=bars, sampling=sampling)

    def real_phrases(self, songs: list[Song]) -> list[Song]:
        """Real songs cut into the phrases the models generate (:func:`real_phrases`)."""
        return real_phrases(songs)


FAMILY = MuseGANFamily()


# ---------------------------------------------------------------------- helpers for the notebooks
def as_loaded(model: Loaded | dict[str, Any]) -> Loaded:
    """A :class:`Loaded` as it is, a checkpoint dict loaded (:func:`companion.family.load`)."""
    return model if isinstance(model, Loaded) else load(FAMILY, model)


def codec_of(model: Loaded | dict[str, Any]) -> PhraseRollCodec:
    return model.codec if isinstance(model, Loaded) else FAMILY.codec(model)


def sample_latents(config: MuseGANConfig, phrases: int, generator: torch.Generator, temperature: float = 1.0, *,
                   chain: bool = False) -> torch.Tensor:  # fmt: skip
    """Latents for ``phrases`` phrases, scaled by ``temperature``. With ``chain`` the phrases are one
    song: they share the time-independent latents (``z``, ``z_i``) and differ in the temporal ones."""
    latent = torch.randn((phrases, *config.latent_shape), generator=generator) * temperature
    if chain and phrases > 1:
        static = [0] * config.shared + [2 * config.shared + i for i in range(config.tracks)] * config.private
        latent[:, static] = latent[:1, static]
    return latent


def rolls(model: Loaded | dict[str, Any], phrases: int, *, seed: int = 0, temperature: float = 1.0,
          sampling: str | None = None, chain: bool = False, batch: int = 100) -> np.ndarray:  # fmt: skip
    """Binary rolls of ``phrases`` generated phrases: bool (phrases, tracks, 4, 48, 84), read with
    ``sampling`` (``"hysteresis"``: the codec's rule, the default; ``"hard"``; ``"bernoulli"``); with
    ``chain`` the phrases share their time-independent latents (one long song)."""
    loaded = as_loaded(model)
    decoding, generator = loaded.codec.decoding, loaded.network
    place = next(generator.parameters()).device
    rng = torch.Generator().manual_seed(seed)
    latent = sample_latents(generator.config, phrases, rng, temperature, chain=chain)
    method = sampling or decoding["method"]
    out = [generator.sample(latent[i : i + batch].to(place), method, rng, decoding["hold"]).cpu()
           for i in range(0, phrases, batch)]  # fmt: skip
    return torch.cat(out).numpy()


def decode(model: Loaded | dict[str, Any], roll: np.ndarray, title: str = "") -> Song:
    """A Song from a binary roll with the model's codec (:meth:`PhraseRollCodec.decode`)."""
    return codec_of(model).decode(roll, title=title)


def generate(model: Loaded | dict[str, Any], *, bars: int = 8, seed: int = 0, temperature: float = 1.0,
             sampling: str | None = None, chain: bool = True) -> Song:  # fmt: skip
    """One song of ``bars`` bars (4-bar phrases end to end, chained unless ``chain=False``); the same
    seed gives the same MIDI bytes. ``temperature`` scales the latents."""
    loaded = as_loaded(model)
    phrases = math.ceil(bars / BARS)
    roll = rolls(loaded, phrases, seed=seed, temperature=temperature, sampling=sampling, chain=chain)
    roll = roll.transpose(1, 0, 2, 3, 4).reshape(roll.shape[1], phrases * BARS, STEPS_PER_BAR, PITCHES)[:, :bars]
    return loaded.codec.decode(roll, title=loaded.title(seed))


def generate_phrases(model: Loaded | dict[str, Any], count: int, *, seed: int = 0, temperature: float = 1.0,
                     sampling: str | None = None) -> list[Song]:  # fmt: skip
    """``count`` independent 4-bar phrases as songs (what :func:`diagnostics` measures)."""
    loaded = as_loaded(model)
    batch = rolls(loaded, count, seed=seed, temperature=temperature, sampling=sampling)
    return [loaded.codec.decode(r, title=f"{loaded.title(seed)} #{i}") for i, r in enumerate(batch)]


def sampling_rate(model: Loaded | dict[str, Any]) -> float:
    """Steps per second of the model's rolls (the ``fs`` the seed could not recover)."""
    return codec_of(model).sampling_rate


def to_multitrack(song: Song, model: Loaded | dict[str, Any] | None = None):
    """A ``pypianoroll.Multitrack`` of a song at the model's grid, with its tempo (so no ``fs``)."""
    from ..interop import to_multitrack as convert

    return convert(song, codec_of(model).steps_per_beat if model is not None else STEPS_PER_BEAT)


# ---------------------------------------------------------------------- lesson 02's diagnostics
def real_phrases(songs: list[Song]) -> list[Song]:
    """The songs in 4/4 cut into consecutive 4-bar phrases, the unit the models generate (chords dropped)."""
    return real_excerpts([s for s in songs if in_four_four(s)], BARS)


def paper_table() -> dict[str, Any]:
    """:data:`PAPER_TABLE1` with the per-track means (``EB_mean`` etc.) the tables compare against."""
    out = dict(PAPER_TABLE1)
    for metric in ("EB", "UPC", "QN"):
        out[f"{metric}_mean"] = {k: round(sum(v.values()) / len(v), 4) for k, v in PAPER_TABLE1[metric].items()}
    return out


def diagnostics(model: Loaded | dict[str, Any], corpus: Corpus, *, split: str = "test", seed: int = 0,
                bars: int = DIAGNOSTIC_BARS, sampling: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Lesson 02's figures: ``table`` (real / generated / the paper's Table 1), and the metrics of ``bars``
    generated bars of independent phrases read with ``sampling`` (default: the codec's rule;
    ``generated``) and with the plain 0.5 threshold from the same latents (``generated_threshold``),
    beside the real ``split`` cut into 4-bar phrases (``real``; copy rates against the train split)."""
    from .. import metrics

    loaded = as_loaded(model)
    registers = registers_for(corpus.name)
    decoding = loaded.codec.decoding
    sampling = sampling or decoding["method"]
    generated = generate_phrases(loaded, math.ceil(bars / BARS), seed=seed, sampling=sampling)
    thresholded = generate_phrases(loaded, math.ceil(bars / BARS), seed=seed, sampling="hard")
    real = real_phrases(corpus.splits[split])
    gen_row = metrics.corpus_metrics(generated, registers=registers, training=corpus.train)
    threshold_row = metrics.corpus_metrics(thresholded, registers=registers)
    real_row = metrics.corpus_metrics(real, registers=registers, training=corpus.train)
    rule = f"{sampling}: {RULES[sampling].format(**decoding)}; then each run of active steps of a pitch is one note"
    return {"table": _table(gen_row, threshold_row, real_row),
            "binarize_in_training": loaded.config["model"]["binarize"], "sampling": sampling,
            "decoding": f"{rule} (the rule never removes or shortens a note)", "qn_min_steps": metrics.QN_MIN_STEPS,
            "generated_bars": len(generated) * BARS, "real_bars": len(real) * BARS, "generated": gen_row,
            "generated_threshold": threshold_row, "real": real_row, "paper": paper_table()}  # fmt: skip


def _table(gen_row: dict[str, Any], threshold_row: dict[str, Any], real_row: dict[str, Any]) -> dict[str, Any]:
    """The rows the CLI and the notebook print first: real, generated and the paper's values."""
    paper = paper_table()
    table: dict[str, dict[str, Any]] = {}
    for key, label in TABLE_ROWS:
        row = {"real": real_row.get(key), "generated": gen_row.get(key)}
        metric = key.removesuffix("_mean")
        if key.endswith("_mean") and metric in PAPER_TABLE1:
            row.update({f"paper {k}": v for k, v in paper[f"{metric}_mean"].items()})
        table[label] = row
    table["QN, plain 0.5 threshold (the paper's decoding)"] = {"real": real_row["QN_mean"],
        "generated": threshold_row["QN_mean"], **{f"paper {k}": v for k, v in paper["QN_mean"].items()}}  # fmt: skip
    per_bar = {name: round(row["notes"] / row["bars"], 2) for name, row in
               (("real", real_row), ("generated", gen_row), ("generated, plain threshold", threshold_row))}  # fmt: skip
    table["notes per bar (rule / plain threshold)"] = per_bar
    return table
