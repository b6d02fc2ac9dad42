"""Honest likelihood: per-frame NLL = the frame's token NLLs + the codec's extra, checked by hand on a
tiny case, and the chord model + fall-back checked to be a proper distribution over every frame."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from companion.codecs.chords import BOS, EOS, PAD, UNK, ChordCodec
from companion.likelihood import frame_nll, piece_frame_nll, sequence_nll
from companion.models.gpt import GPT, GPTConfig


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


class Unigram(torch.nn.Module):
    """A 'language model' that ignores context: every next token has the same fixed probabilities."""

    max_len = 16

    def __init__(self, probs: list[float]) -> None:
        super().__init__()
        self.logp = torch.log(torch.tensor(probs, dtype=torch.float64))

    def window_nll(self, tokens, window=None, stride=None):
        return -self.logp[torch.as_tensor(tokens[1:], dtype=torch.long)]


def two_key_codec() -> ChordCodec:
    """Keys MIDI 60 and 61; trained on {60} and {61}: tokens 4 = (60,), 5 = (61,)."""
    codec = ChordCodec(1, 60, 2)
    codec.fit_frames([np.array([[1, 0], [0, 1]], dtype=np.uint8)], _keep_grid=True)
    assert codec.vocab == [(60,), (61,)]
    return codec


def test_hand_computed_frame_nll():
    codec = two_key_codec()
    #               PAD   BOS   EOS  UNK  {60} {61}
    model = Unigram([0.05, 0.05, 0.1, 0.2, 0.4, 0.2])
    piece = np.array([[1, 0], [1, 1]], dtype=np.uint8)  # {60}, then {60, 61}: never seen -> UNK
    tokens, frame_of = codec.encode_frames(piece)
    assert tokens == [BOS, 4, UNK, EOS] and frame_of == [0, 1, 1]
    # fall-back: each key sounds with p = (1 + 1) / (2 + 2) = 1/2, so every set has q = 1/4; the two
    # named sets hold 1/2 of it, so renormalised over unseen sets q'({60, 61}) = 1/4 / (1/2) = 1/2.
    expected = [-math.log(0.4), -math.log(0.2) - math.log(0.1) + math.log(2)]
    per_frame = piece_frame_nll(model, codec, piece)
    assert per_frame["nll"].tolist() == pytest.approx(expected)
    assert per_frame["extra"].tolist() == pytest.approx([0, math.log(2)])
    assert per_frame["unseen"].tolist() == [False, True]
    total = frame_nll(model, codec, [piece, piece[:1]])
    assert total["frames"] == 3 and total["tokens"] == 3 + 2
    expected_total = sum(expected) + (-math.log(0.4) - math.log(0.1))
    assert total["nll_nats_per_frame"] == pytest.approx(expected_total / 3)
    assert total["unseen_frame_share"] == pytest.approx(1 / 3)
    assert total["extra_nats_per_frame"] == pytest.approx(math.log(2) / 3)
    assert total["token_nats_per_frame"] + total["extra_nats_per_frame"] == pytest.approx(total["nll_nats_per_frame"])
    assert total["unseen_nats_per_frame"] == pytest.approx(expected[1] / 3)
    assert total["nll_unseen_frame_mean"] == pytest.approx(expected[1])


def test_chord_model_is_a_distribution_over_every_frame():
    """With a real (untrained) GPT: summed over all 2^4 possible first frames, p(frame | BOS) plus the
    mass left on PAD/BOS/EOS is exactly 1 -- named sets by their token, unseen ones through UNK and
    the renormalised fall-back."""
    codec = ChordCodec(1, 60, 4)
    codec.fit_frames([np.array([[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 1, 0]], dtype=np.uint8)],
                     _keep_grid=True)  # fmt: skip
    torch.manual_seed(0)
    model = GPT(GPTConfig(codec.vocab_size, max_len=8, d_model=16, num_heads=2, num_layers=1, d_ff=32, dropout=0.0))
    model.eval()
    every = np.array(list(itertools.product([0, 1], repeat=4)), dtype=np.uint8)
    mass = 0.0
    for frame in every:
        piece = np.stack([frame, every[0]])  # frame 0's NLL: its token (and extra); EOS belongs to frame 1
        mass += math.exp(-piece_frame_nll(model, codec, piece)["nll"][0])
    with torch.no_grad():
        first = torch.softmax(model(torch.tensor([[BOS]])).double()[0, -1], dim=-1)
    rest = float(first[PAD] + first[BOS] + first[EOS])
    assert mass + rest == pytest.approx(1.0, abs=1e-6)  # float32 logits
    assert float(first.sum()) == pytest.approx(1.0, abs=1e-12)


def test_sliding_windows_never_exceed_the_context_and_sequence_nll():
    torch.manual_seed(0)
    model = GPT(GPTConfig(10, max_len=8, d_model=16, num_heads=2, num_layers=1, d_ff=32, dropout=0.0))
    seqs = [[1, 4, 5, 6, 4, 5, 6, 4, 5, 6, 4, 5, 2], [1, 5, 2]]
    result = sequence_nll(model, seqs, window=100)
    assert result["window"] == 8 and result["tokens"] == 12 + 2
    by_hand = sum(float(model.window_nll(s, window=8).sum()) for s in seqs) / 14
    assert result["nll_nats_per_token"] == pytest.approx(by_hand)


def test_codec_with_bad_frame_map_is_caught():
    class Broken(ChordCodec):
        def encode_frames(self, frames):
            tokens, frame_of = super().encode_frames(frames)
            return tokens, frame_of[:-1]

    codec = Broken(1, 60, 2)
    codec.fit_frames([np.array([[1, 0]], dtype=np.uint8)], _keep_grid=True)
    with pytest.raises(Exception, match="frame indices"):
        frame_nll(Unigram([0.2] * 5), codec, [np.array([[1, 0]], dtype=np.uint8)])
