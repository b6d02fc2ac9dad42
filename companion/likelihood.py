"""Honest likelihoods of token models, in units that can be compared with published numbers.

The JSB benchmark's published figures (Bai et al. 2018: RNN 8.91, GRU 8.43, LSTM 8.45, TCN 8.10) are
negative log-likelihoods in **nats per quarter-note frame** of the exact 88-key binary frames. A token
model scores tokens, not frames, so :func:`frame_nll` turns one into the other through the codec's
contract (:class:`companion.codecs.tokens.TokenCodec`):

* :meth:`~TokenCodec.encode_frames` says which frame each predicted token belongs to, so a frame's
  NLL is the sum of its tokens' NLLs (the token that closes the last frame, EOS, belongs to it);
* :meth:`~TokenCodec.extra_frame_nll` adds what the tokens do not pay for: a pitch-set vocabulary
  cannot name an unseen set, so such a frame costs ``-log p(UNK)`` (a token NLL) plus the NLL of the
  exact set under the codec's fall-back distribution (the extra). Never skipped, never clipped.

Sequences longer than the training context are scored with sliding windows no longer than it
(:meth:`companion.models.gpt.GPT.window_nll`): sinusoidal positions do not extrapolate, and a model
scored on longer windows than it was trained on looks much worse than it is (lesson 04, section 2).

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns, the lesson-04/05
measurements, and the GPT family's likelihood (:meth:`companion.pipelines.gpt.GPTFamily.likelihood`,
which :func:`companion.zoo.evaluate` reaches); it imports no family and opens no checkpoint.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .codecs.tokens import TokenCodec
from .errors import CompanionError


def token_nlls(model: torch.nn.Module, tokens: Sequence[int], *, window: int | None = None) -> np.ndarray:
    """NLL (nats, float64) of each token after the first, with windows of at most ``window`` tokens
    (default: the model's ``max_len``, the training context)."""
    return model.window_nll(list(tokens), window=window).numpy()


def piece_frame_nll(model: torch.nn.Module, codec: TokenCodec, piece: np.ndarray, *, window: int | None = None) -> dict:
    """Per-frame NLL of one binary frame sequence: the frame's token NLLs plus the codec's extra.

    Returns:
        ``{"nll": (T,), "token": (T,), "extra": (T,), "unseen": (T,) bool, "tokens": int}`` (nats, float64):
        ``nll = token + extra``; ``unseen`` marks frames with an extra cost (outside the vocabulary).

    Raises:
        CompanionError: a codec whose token-to-frame map does not match its tokens or the piece.
    """
    piece = np.asarray(piece)
    tokens, frame_of = codec.encode_frames(piece)
    if len(frame_of) != len(tokens) - 1:
        raise CompanionError(f"codec {codec.name}: {len(frame_of)} frame indices for {len(tokens) - 1} tokens")
    nll = token_nlls(model, tokens, window=window)
    index = np.asarray(frame_of, dtype=np.int64)
    if len(index) and (index.min() < 0 or index.max() >= len(piece)):
        raise CompanionError(f"codec {codec.name}: token frame index outside the piece's {len(piece)} frames")
    token = np.bincount(index, weights=nll, minlength=len(piece))
    extra = np.asarray(codec.extra_frame_nll(piece), dtype=np.float64)
    return {"nll": token + extra, "token": token, "extra": extra, "unseen": extra > 0, "tokens": len(nll)}


def frame_nll(
    model: torch.nn.Module,
    codec: TokenCodec,
    frames: Sequence[np.ndarray],
    *,
    window: int | None = None,
) -> dict:
    """Negative log-likelihood of binary frame sequences (e.g. JSB's (T, 88) quarter-note frames).

    Args:
        model: a :class:`~companion.models.gpt.GPT` trained on ``codec``'s tokens.
        codec: the fitted codec the model was trained with.
        frames: the pieces of one split.
        window: longest scoring window (default and maximum: the model's training context).

    Returns:
        A dict of plain numbers: ``nll_nats_per_frame`` (total NLL / frames); ``frames``; ``pieces``;
        ``tokens`` (predicted tokens) and ``nll_nats_per_token``; ``unseen_frames`` and
        ``unseen_frame_share`` (frames with an extra cost: sets outside the vocabulary);
        ``token_nats_per_frame`` and ``extra_nats_per_frame`` (the two parts of the total, per frame);
        ``unseen_nats_per_frame`` (all nats spent on unseen frames -- their tokens and extras -- per
        frame of the split, i.e. how much of the headline number they account for);
        ``nll_seen_frame_mean`` and ``nll_unseen_frame_mean`` (mean NLL of a seen and of an unseen
        frame); ``window`` (the scoring window used).

    Raises:
        CompanionError: no frames, or a codec whose token-to-frame map does not match its tokens.
    """
    window = min(window or model.max_len, model.max_len)
    parts = [piece_frame_nll(model, codec, piece, window=window) for piece in frames if len(piece)]
    if not parts:
        raise CompanionError("no frames to score")
    nll = np.concatenate([p["nll"] for p in parts])
    token = np.concatenate([p["token"] for p in parts])
    extra = np.concatenate([p["extra"] for p in parts])
    unseen = np.concatenate([p["unseen"] for p in parts])
    n_frames, n_tokens = len(nll), sum(p["tokens"] for p in parts)
    return {
        "nll_nats_per_frame": float(nll.sum()) / n_frames,
        "frames": n_frames,
        "pieces": len(parts),
        "tokens": n_tokens,
        "nll_nats_per_token": float(token.sum()) / max(n_tokens, 1),
        "unseen_frames": int(unseen.sum()),
        "unseen_frame_share": float(unseen.mean()),
        "token_nats_per_frame": float(token.sum()) / n_frames,
        "extra_nats_per_frame": float(extra.sum()) / n_frames,
        "unseen_nats_per_frame": float(nll[unseen].sum()) / n_frames,
        "nll_seen_frame_mean": float(nll[~unseen].mean()) if (~unseen).any() else None,
        "nll_unseen_frame_mean": float(nll[unseen].mean()) if unseen.any() else None,
        "window": window,
    }


def sequence_nll(model: torch.nn.Module, sequences: Sequence[Sequence[int]], *, window: int | None = None) -> dict:
    """Mean NLL per predicted token over token sequences (e.g. ``codec.encode(song)`` of a split).

    Returns:
        ``{"nll_nats_per_token", "tokens", "sequences", "window"}``.
    """
    window = min(window or model.max_len, model.max_len)
    total, count = 0.0, 0
    for tokens in sequences:
        nll = token_nlls(model, tokens, window=window)
        total += float(nll.sum())
        count += len(nll)
    if count == 0:
        raise CompanionError("no tokens to score")
    return {"nll_nats_per_token": total / count, "tokens": count, "sequences": len(sequences), "window": window}
