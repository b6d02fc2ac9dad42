"""The decoder-only transformer (on random tensors: it knows no music), the LM trainer, and the GPT
pipeline end to end on a few real JSB chorales with a tiny model."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

from companion import load_corpus
from companion.checkpoint import for_shipping, load_checkpoint
from companion.data import Corpus
from companion.midi import midi_bytes
from companion.models.gpt import GPT, GPTConfig, sinusoidal_encoding
from companion.pipelines import gpt as pipeline
from companion.train import Budget
from companion.train.lm import LMConfig, l2_penalty, learning_rate, make_optimizer, sample_batch, train_lm


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models run fastest on one thread (and do not fight other processes for the cores)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


TINY = {"max_len": 32, "d_model": 32, "num_heads": 2, "num_layers": 2, "d_ff": 64, "dropout": 0.0}


def tiny(vocab: int = 11, **changes) -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=vocab, **{**TINY, **changes}))


def test_shapes_parameters_and_positional_buffer():
    model = tiny()
    x = torch.randint(0, 11, (3, 7))
    assert model(x).shape == (3, 7, 11)
    names = dict(model.named_parameters())
    assert "positional" not in names and "positional" in model.state_dict()  # a buffer: saved, not trained
    assert torch.equal(model.positional, sinusoidal_encoding(32, 32))
    pe = sinusoidal_encoding(50, 8)
    assert pe[3, 2].item() == pytest.approx(math.sin(3 / 10000 ** (2 / 8)))
    assert pe[3, 3].item() == pytest.approx(math.cos(3 / 10000 ** (2 / 8)))
    # the tied head is counted once
    assert model.num_parameters() == sum(p.numel() for p in model.parameters())
    assert model.head.weight is model.embed.weight
    with pytest.raises(ValueError, match="max_len"):
        model(torch.zeros(1, 33, dtype=torch.long))


def test_attention_is_causal():
    model = tiny().eval()
    x = torch.randint(0, 11, (1, 12))
    y = x.clone()
    y[0, 8:] = (y[0, 8:] + 1) % 11
    a, b = model(x), model(y)
    assert torch.allclose(a[0, :8], b[0, :8], atol=1e-6)
    assert not torch.allclose(a[0, 8:], b[0, 8:])


def test_probabilities_over_the_vocabulary_sum_to_one():
    model = tiny()
    nll = model.window_nll([1, 4, 5, 6, 2])
    logp = torch.log_softmax(model(torch.tensor([[1, 4, 5, 6]])).double(), dim=-1)
    assert torch.allclose(logp.exp().sum(-1), torch.ones(1, 4, dtype=torch.float64))
    assert torch.allclose(nll, -logp[0, torch.arange(4), torch.tensor([4, 5, 6, 2])])


def test_sliding_windows_score_each_token_once_with_enough_context():
    model = tiny(max_len=8)
    seq = torch.randint(0, 11, (30,)).tolist()
    nll = model.window_nll(seq, window=8, stride=4)
    assert nll.shape == (29,) and torch.isfinite(nll).all()
    # token j is scored in a window that starts at s = 4 * k (or at the end): recompute token 13 by hand
    window = torch.tensor(seq[8:16])[None]  # the window starting at 8 scores tokens 12..15
    logp = torch.log_softmax(model(window).double(), -1)
    assert nll[12].item() == pytest.approx(-logp[0, 4, seq[13]].item())
    # a window as long as the sequence scores it in one pass: same as the plain forward
    short = seq[:8]
    full = -torch.log_softmax(model(torch.tensor([short])).double(), -1)[0, :-1].gather(
        1, torch.tensor(short[1:])[:, None]
    )
    assert torch.allclose(model.window_nll(short), full.squeeze(1))
    # never longer than the training context
    assert torch.allclose(model.window_nll(seq, window=100, stride=4), nll)


def test_generate_is_seeded_cached_and_respects_options():
    model = tiny()
    gen = lambda seed, **kw: model.generate([1], 20, generator=torch.Generator().manual_seed(seed), **kw)  # noqa: E731
    assert torch.equal(gen(3), gen(3))
    assert not torch.equal(gen(3), gen(4))
    assert not set(gen(5, banned=[0, 1, 2, 3]).tolist()) & {0, 1, 2, 3}
    # top_k=1 is greedy; the key/value cache gives what a full forward of the prefix gives
    greedy = gen(0, top_k=1).tolist()
    seq = [1]
    for _ in range(20):
        seq.append(int(model(torch.tensor([seq]))[0, -1].argmax()))
    assert greedy == seq[1:]
    assert gen(0, top_p=1e-6).tolist() == greedy
    # past the context: the cache restarts from the last half context and keeps going
    long = model.generate([1], 80, generator=torch.Generator().manual_seed(0))
    assert long.shape == (80,)
    # a batch, and early stop on EOS (rows that stopped are padded with it)
    rows = model.generate(torch.ones(4, 1, dtype=torch.long), 40, generator=torch.Generator().manual_seed(1), eos_id=2)
    for row in rows.tolist():
        if 2 in row:
            assert set(row[row.index(2) :]) == {2}
    with pytest.raises(ValueError, match="temperature"):
        model.generate([1], 3, temperature=0)


def test_the_preallocated_cache_gives_the_bits_of_concatenating_the_cache():
    model = tiny().eval()
    ids = torch.randint(3, 11, (5, 7), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        _, joined = model._run(ids)
        last, kept = model._prefill(ids)
        assert torch.equal(last, model._run(ids)[0][:, -1])
        for length in range(7, 12):
            token = torch.full((5, 1), length % 11)
            a, joined = model._run(token, start=length, caches=joined)
            b, kept = model._run(token, start=length, caches=kept)
            assert torch.equal(a, b)
    assert [c.length for c in kept] == [12] * len(kept)


def test_training_prints_no_warnings_and_learns():
    model = tiny(vocab=6, dropout=0.1)
    seqs = [[1, 4, 5, 4, 5, 4, 5, 4, 5, 2]] * 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train_lm(model, seqs, seqs[:2], LMConfig(batch_size=4, context=16, lr=3e-3, warmup=5, eval_every=20),
                          Budget(60), show_progress=False)  # fmt: skip
    assert result.steps == 60 and len(result.history) == 3
    assert result.history[-1]["valid_nll"] < result.history[0]["valid_nll"] < math.log(6)
    assert result.best_valid_nll == min(h["valid_nll"] for h in result.history)


def test_decoupled_weight_decay_and_l2_penalty_differ_under_adam():
    """AdamW shrinks weights outside the adaptive step; an L2 term in the loss goes through it."""
    seqs = [[1, 4, 5, 3, 5, 4, 2]] * 4
    finals = {}
    for mode in ("decoupled", "l2"):
        model = tiny(vocab=6)
        config = LMConfig(batch_size=4, context=8, lr=1e-2, warmup=1, regularisation=mode, weight_decay=0.5,
                          eval_every=0, track_train=False)  # fmt: skip
        train_lm(model, seqs, seqs, config, Budget(15), show_progress=False, seed=1)
        finals[mode] = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert not torch.allclose(finals["decoupled"], finals["l2"], atol=1e-4)
    model = tiny()
    assert isinstance(make_optimizer(model, LMConfig(regularisation="decoupled")), torch.optim.AdamW)
    l2_opt = make_optimizer(model, LMConfig(regularisation="l2"))
    assert type(l2_opt) is torch.optim.Adam and all(g["weight_decay"] == 0 for g in l2_opt.param_groups)
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    assert l2_penalty(model, 0.2).item() == pytest.approx(0.1 * sum((p * p).sum().item() for p in matrices), rel=1e-5)
    with pytest.raises(Exception, match="regularisation"):
        make_optimizer(model, LMConfig(regularisation="both"))


class _Interrupt(Exception):
    pass


def test_resume_matches_an_uninterrupted_run():
    seqs = [[1, 4, 5, 3, 5, 4, 2, 4, 4, 5, 2]] * 6
    config = LMConfig(batch_size=4, context=8, warmup=3, eval_every=5, track_train=False)
    whole = tiny(vocab=6, dropout=0.2)
    train_lm(whole, seqs, seqs[:1], config, Budget(12), seed=3, show_progress=False)
    saved = {}

    def stop_at_5(state):
        saved.update(state)
        raise _Interrupt

    first = tiny(vocab=6, dropout=0.2)
    with pytest.raises(_Interrupt):
        train_lm(first, seqs, seqs[:1], config, Budget(12), seed=3, on_checkpoint=stop_at_5, show_progress=False)
    assert saved["step"] == 5
    again = tiny(vocab=6, dropout=0.2)
    result = train_lm(again, seqs, seqs[:1], config, Budget(12), seed=3, resume=saved, show_progress=False)
    assert result.steps == 12
    for (name, a), b in zip(whole.state_dict().items(), again.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name


def test_schedule_and_batches():
    config = LMConfig(lr=1.0, warmup=10, min_lr_ratio=0.1)
    assert learning_rate(0, 100, config) == pytest.approx(0.1)
    assert learning_rate(9, 100, config) == pytest.approx(1.0)
    assert learning_rate(100, 100, config) == pytest.approx(0.1)
    seqs = [torch.arange(1, 6), torch.arange(1, 40)]
    inputs, targets = sample_batch(seqs, 8, 10, 0, torch.Generator().manual_seed(0))
    assert inputs.shape == targets.shape == (8, 10)
    for x, y in zip(inputs, targets):
        n = int((y != 0).sum())
        assert torch.equal(x[1:n], y[: n - 1])  # targets are the inputs shifted by one
    # rare tokens become UNK (3) with probability rare_to_unk, in inputs and targets alike
    rare = torch.zeros(40, dtype=torch.bool)
    rare[[5, 6]] = True
    gen = torch.Generator().manual_seed(0)
    inputs, targets = sample_batch(seqs, 8, 10, 0, gen, rare=rare, unk_id=3, rare_to_unk=1.0)
    assert not ((inputs == 5) | (inputs == 6) | (targets == 5) | (targets == 6)).any()
    assert (inputs == 3).any()
    inputs, _ = sample_batch(seqs, 64, 10, 0, gen, rare=rare, unk_id=3, rare_to_unk=0.5)
    assert (inputs == 5).any() and (inputs == 3).any()


@pytest.fixture(scope="module")
def small_jsb(jsb_path) -> Corpus:
    full = load_corpus("jsb", path=jsb_path)
    frames = {"train": full.frames["train"][:24], "valid": full.frames["valid"][:4], "test": full.frames["test"][:4]}
    splits = {k: full.splits[k][: len(v)] for k, v in frames.items()}
    return Corpus("jsb", splits, frames=frames, source=full.source, published=full.published, track=full.track)


TINY_PIPE = {"gpt": {**TINY, "max_len": 48}, "lm": {"batch_size": 8, "context": 48, "eval_every": 10, "warmup": 5}}


def test_pipeline_train_resume_generate_evaluate(small_jsb, tmp_path):
    out = tmp_path / "tiny.pt"
    ckpt = pipeline.train("gpt-chords", small_jsb, steps=20, seed=0, out=out, config=TINY_PIPE, show_progress=False)
    assert ckpt["train"]["steps"] == 20 and out.exists()
    saved = load_checkpoint(out)  # weights_only=True
    assert saved["codec"]["codec"] == "chords" and saved["optimizer"] is not None
    assert saved["state"]["head.weight"].data_ptr() == saved["state"]["embed.weight"].data_ptr()  # tied: stored once

    # resume from the file continues where it stopped
    resumed = pipeline.train("gpt-chords", small_jsb, steps=30, seed=0, out=out, resume=True, config=TINY_PIPE,
                             show_progress=False)  # fmt: skip
    assert resumed["train"]["steps"] == 30 and resumed["train"]["history"][:2] == ckpt["train"]["history"][:2]

    shipped = for_shipping(ckpt)
    song = pipeline.generate(shipped, bars=4, seed=7)
    assert song.num_bars == 4 and len(song.tracks) == 1
    assert midi_bytes(song) == midi_bytes(pipeline.generate(shipped, bars=4, seed=7))
    assert midi_bytes(song) != midi_bytes(pipeline.generate(shipped, bars=4, seed=8))

    result = pipeline.evaluate(shipped, small_jsb, split="test", num_songs=2, bars=4)
    frames = sum(len(f) for f in small_jsb.frames["test"])
    assert result["frames"] == frames and result["window"] == 48
    parts = result["token_nats_per_frame"] + result["extra_nats_per_frame"]
    assert result["nll_nats_per_frame"] == pytest.approx(parts, abs=2e-4)
    assert 0 < result["unseen_frame_share"] < 1 and result["generated"]["songs"] == 2
    assert {row["model"]: row["nll"] for row in result["published"]}["TCN (Bai et al. 2018)"] == 8.10


def test_pipeline_rejects_wrong_resume(small_jsb, tmp_path):
    out = tmp_path / "a.pt"
    ckpt = pipeline.train("gpt-chords", small_jsb, steps=2, seed=0, out=out, config=TINY_PIPE, show_progress=False)
    torch.save(for_shipping(ckpt), out)
    with pytest.raises(Exception, match="cannot be resumed"):
        pipeline.train("gpt-chords", small_jsb, steps=4, out=out, resume=True, config=TINY_PIPE, show_progress=False)


def test_pipeline_on_songs_gives_16th_frame_nll(tmp_path):
    bach = load_corpus("bach")
    corpus = Corpus("bach", {"train": bach.train[:12], "valid": bach.valid[:2], "test": bach.test[:2]})
    config = {"gpt": {**TINY, "max_len": 64}, "lm": {"batch_size": 4, "context": 64, "eval_every": 0}}
    ckpt = pipeline.train("gpt-chords", corpus, steps=3, seed=0, config=config, show_progress=False)
    result = pipeline.evaluate(ckpt, corpus, split="valid", num_songs=2, bars=2)
    assert result["frame_steps_per_beat"] == 4 and result["nll_nats_per_token"] > 0
    assert result["nll_nats_per_frame"] > 0 and np.isfinite(result["nll_nats_per_frame"])
    assert result["generated"]["copy_rate"] is None or 0 <= result["generated"]["copy_rate"] <= 1


def test_a_time_only_budget_draws_a_bar_without_a_step_total():
    from companion.train import UNLIMITED_STEPS

    assert Budget(500).bar_total == 500
    assert Budget(UNLIMITED_STEPS, max_seconds=90).bar_total is None  # no fake ETA over 10**9 steps
    assert Budget(UNLIMITED_STEPS, max_seconds=0).done(0)


def test_window_nll_scores_long_sequences_in_bounded_chunks_with_the_same_numbers(monkeypatch):
    import companion.models.gpt as gpt_module

    model = tiny(vocab=300, max_len=16)
    seq = torch.randint(0, 300, (700,)).tolist()
    whole = model.window_nll(seq, window=16, stride=4)  # 172 windows: one chunk under the 64 MB cap
    batches: list[int] = []
    model.register_forward_hook(lambda module, args, output: batches.append(len(args[0])))
    monkeypatch.setattr(gpt_module, "WINDOW_NLL_BYTES", 5 * 16 * 300 * 8)  # room for 5 windows' logits
    chunked = model.window_nll(seq, window=16, stride=4)
    assert max(batches) == 5 and sum(batches) == 172
    assert torch.equal(chunked, whole)  # bit for bit in float64
