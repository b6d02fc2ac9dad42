"""A decoder-only transformer ("GPT") on integer tokens -- one network for lessons 04 and 05.

The seed's GPT3-music model, written out so every part can be seen: a token embedding, the fixed
sinusoidal positional encoding of Vaswani et al. registered as a *buffer* (it moves with the model and
is saved in its state, but is not trained -- the seed's point about PyTorch vs Keras), ``num_layers``
pre-norm blocks of causal multi-head self-attention and a feed-forward layer (the seed used 3), dropout
(embeddings and residual branches),
and a language-model head tied to the embedding.

The network knows only tensors; the codecs of :mod:`companion.codecs` give tokens their meaning.

* :meth:`GPT.forward` -- logits for every position of a (batch, time) tensor of token ids.
* :meth:`GPT.window_nll` -- per-token NLL of one long sequence with sliding windows no longer than
  the training context (sinusoidal positions do not extrapolate; lesson 04, section 2).
* :meth:`GPT.generate` -- sampling with temperature, top-k, top-p, banned tokens and a seeded
  ``torch.Generator``; a key/value cache (:class:`KVCache`, buffers allocated once) makes each new
  token cost one position, and when the cache reaches ``max_len`` it restarts from the last
  ``max_len // 2`` tokens.

Used by notebooks 04_gpt_chords, 05_event_tokens and 06_diminishing_returns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

WINDOW_NLL_BYTES = 64 * 1024 * 1024
"""The most float64 logits :meth:`GPT.window_nll` holds at once (windows are scored in chunks)."""


@dataclass
class GPTConfig:
    """Hyper-parameters of :class:`GPT` (plain data: stored in checkpoints).

    Attributes:
        vocab_size: number of token ids.
        max_len: longest sequence the model sees (the training context).
        d_model: width of embeddings and blocks.
        num_heads: attention heads (``d_model`` must be divisible by it).
        num_layers: transformer blocks (the seed used 3).
        d_ff: hidden width of each block's feed-forward layer.
        dropout: dropout on the embeddings and on every residual branch (not on attention weights:
            on a CPU their masks cost more time than they are worth).
        tie_weights: share the embedding matrix with the LM head (fewer parameters, smaller files).
    """

    vocab_size: int
    max_len: int = 256
    d_model: int = 128
    num_heads: int = 4
    num_layers: int = 3
    d_ff: int = 512
    dropout: float = 0.1
    tie_weights: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


def sinusoidal_encoding(max_len: int, d_model: int) -> torch.Tensor:
    """``PE[pos, 2i] = sin(pos / 10000^(2i/d))``, ``PE[pos, 2i+1] = cos(...)``: (max_len, d_model)."""
    position = torch.arange(max_len, dtype=torch.float32)[:, None]
    frequency = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    encoding = torch.zeros(max_len, d_model)
    encoding[:, 0::2] = torch.sin(position * frequency)
    encoding[:, 1::2] = torch.cos(position * frequency[: d_model // 2])
    return encoding


class KVCache:
    """One layer's keys and values (batch, heads, ``capacity``, head width) in buffers allocated once:
    :meth:`append` writes the new positions in place and returns views of the filled part, so a
    generated token costs one position's copy, not a copy of everything cached (what concatenating
    the cache with each new key did). The attention reads the same numbers either way."""

    def __init__(self, k: torch.Tensor, v: torch.Tensor, capacity: int) -> None:
        batch, heads, time, width = k.shape
        self.k = k.new_empty(batch, heads, max(capacity, time), width)
        self.v = v.new_empty(batch, heads, max(capacity, time), width)
        self.length = 0
        self.append(k, v)

    def append(self, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        end = self.length + k.shape[2]
        if end > self.k.shape[2]:
            raise ValueError(f"key/value cache of {self.k.shape[2]} positions cannot hold {end}")
        self.k[:, :, self.length : end] = k
        self.v[:, :, self.length : end] = v
        self.length = end
        return self.k[:, :, :end], self.v[:, :, :end]


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t sees positions <= t only; optional key/value cache
    (the previous keys and values as a tuple, or a :class:`KVCache` that takes the new ones in place)."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        if config.d_model % config.num_heads:
            raise ValueError(f"d_model {config.d_model} is not divisible by num_heads {config.num_heads}")
        self.num_heads = config.num_heads
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.proj = nn.Linear(config.d_model, config.d_model)
        self.resid_dropout = nn.Dropout(config.dropout)

    def forward(
        self, x: torch.Tensor, cache: tuple[torch.Tensor, torch.Tensor] | KVCache | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor] | KVCache]:
        batch, time, width = x.shape
        q, k, v = self.qkv(x).split(width, dim=2)
        q, k, v = (z.view(batch, time, self.num_heads, -1).transpose(1, 2) for z in (q, k, v))
        if isinstance(cache, KVCache):
            k, v = cache.append(k, v)
        elif cache is not None:
            k, v = torch.cat([cache[0], k], dim=2), torch.cat([cache[1], v], dim=2)
        if cache is None or time > 1:
            # Causal over the new positions; with a cache, the new positions also see all cached ones.
            past = k.shape[2] - time
            mask = torch.ones(time, k.shape[2], dtype=torch.bool, device=x.device).tril(diagonal=past)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        else:  # one new position attends to everything cached
            y = F.scaled_dot_product_attention(q, k, v)
        y = y.transpose(1, 2).reshape(batch, time, width)
        return self.resid_dropout(self.proj(y)), cache if isinstance(cache, KVCache) else (k, v)


class Block(nn.Module):
    """Pre-norm transformer block: ``x + attn(ln(x))``, then ``x + ff(ln(x))``."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(config.d_model)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.d_model)
        self.ff = nn.Sequential(
            nn.Linear(config.d_model, config.d_ff),
            nn.GELU(),
            nn.Linear(config.d_ff, config.d_model),
            nn.Dropout(config.dropout),
        )

    def forward(
        self, x: torch.Tensor, cache: tuple[torch.Tensor, torch.Tensor] | KVCache | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor] | KVCache]:
        attended, cache = self.attn(self.ln1(x), cache)
        x = x + attended
        return x + self.ff(self.ln2(x)), cache


class GPT(nn.Module):
    """Decoder-only transformer language model on token ids.

    Args:
        config: a :class:`GPTConfig` (or its dict).

    Example:
        >>> model = GPT(GPTConfig(vocab_size=10, max_len=16, d_model=32, num_heads=2, num_layers=1, d_ff=64))
        >>> model(torch.zeros(2, 5, dtype=torch.long)).shape
        torch.Size([2, 5, 10])
    """

    def __init__(self, config: GPTConfig | dict) -> None:
        super().__init__()
        self.config = config if isinstance(config, GPTConfig) else GPTConfig(**config)
        c = self.config
        self.embed = nn.Embedding(c.vocab_size, c.d_model)
        self.register_buffer("positional", sinusoidal_encoding(c.max_len, c.d_model), persistent=True)
        self.dropout = nn.Dropout(c.dropout)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.num_layers))
        self.ln_f = nn.LayerNorm(c.d_model)
        self.head = nn.Linear(c.d_model, c.vocab_size, bias=False)
        if c.tie_weights:
            self.head.weight = self.embed.weight
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=0.02)

    @property
    def max_len(self) -> int:
        return self.config.max_len

    def num_parameters(self) -> int:
        """Trainable parameters (a tied head counted once; the positional buffer not at all)."""
        return sum(p.numel() for p in self.parameters())

    def _run(
        self, tokens: torch.Tensor, start: int = 0, caches: list | None = None
    ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
        time = tokens.shape[1]
        if start + time > self.max_len:
            raise ValueError(f"sequence of {start + time} tokens is longer than max_len {self.max_len}")
        x = self.embed(tokens) * math.sqrt(self.config.d_model) + self.positional[start : start + time]
        x = self.dropout(x)
        new_caches = []
        for i, block in enumerate(self.blocks):
            x, cache = block(x, None if caches is None else caches[i])
            new_caches.append(cache)
        return self.head(self.ln_f(x)), new_caches

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits (batch, time, vocab) for token ids (batch, time), time <= ``max_len``; position t
        sees tokens 0..t only."""
        return self._run(tokens)[0]

    @torch.no_grad()
    def window_nll(self, tokens: Sequence[int] | torch.Tensor, window: int | None = None, stride: int | None = None):
        """Negative log-likelihood (nats, float64) of ``tokens[1:]``, each given what precedes it.

        A sequence longer than ``window`` is scored with windows of ``window`` tokens started every
        ``stride`` tokens (the last one aligned to the end); each token is scored once, in the first
        window where it is not the window's first token, so after the first window every token sees at
        least ``window - stride`` tokens of context. The model is put in eval mode.

        Args:
            tokens: one sequence of ids.
            window: longest window (default and maximum: ``max_len``, the training context).
            stride: step between windows (default ``window // 2``).

        Returns:
            float64 tensor of ``len(tokens) - 1`` NLLs.
        """
        self.eval()
        ids = torch.as_tensor(tokens, dtype=torch.long).flatten().to(self.head.weight.device)
        window = min(window or self.max_len, self.max_len)
        stride = max(1, min(stride or window // 2, window - 1)) if window > 1 else 1
        n = len(ids)
        if n < 2:
            return torch.zeros(0, dtype=torch.float64)
        if n <= window:
            starts = [0]
        else:
            starts = list(range(0, n - window, stride)) + [n - window]
        width = min(window, n)
        batch = torch.stack([ids[s : s + width] for s in starts])
        # Windows go through in chunks whose float64 logits stay within WINDOW_NLL_BYTES, so a long
        # validation split costs a bounded amount of memory, not (windows x width x vocab) at once.
        rows = max(1, WINDOW_NLL_BYTES // (width * self.config.vocab_size * 8))
        picked = torch.cat([self._picked_nll(batch[i : i + rows]) for i in range(0, len(batch), rows)]).cpu()
        out = torch.empty(n - 1, dtype=torch.float64)
        done = 0  # tokens 1..done are scored
        for row, s in enumerate(starts):
            first = max(done + 1, s + 1)
            last = s + width - 1
            if first <= last:
                out[first - 1 : last] = picked[row, first - s - 1 : last - s]
                done = last
        return out

    def _picked_nll(self, batch: torch.Tensor) -> torch.Tensor:
        """NLL (float64) of each token of ``batch`` (windows, width) but the first, given the ones before it."""
        logp = torch.log_softmax(self(batch).double(), dim=-1)
        return -logp[:, :-1].gather(2, batch[:, 1:, None]).squeeze(2)  # (windows, width - 1)

    @torch.no_grad()
    def generate(
        self,
        prompt: Sequence[int] | torch.Tensor,
        max_new_tokens: int,
        *,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        generator: torch.Generator | None = None,
        banned: Sequence[int] = (),
        eos_id: int | None = None,
    ) -> torch.Tensor:
        """Sample up to ``max_new_tokens`` tokens after ``prompt``.

        Args:
            prompt: (time,) or (batch, time) token ids; at least one token (e.g. BOS).
            max_new_tokens: how many tokens to add.
            temperature: divides the logits (< 1 sharper, > 1 flatter); must be > 0.
            top_k: keep only the k most likely tokens.
            top_p: keep the smallest set of most likely tokens whose probability reaches ``top_p``.
            generator: a seeded ``torch.Generator``: the same seed gives the same tokens.
            banned: token ids never sampled (e.g. PAD, BOS, UNK).
            eos_id: stop a row after it samples this id (rows already stopped are padded with it);
                generation ends when every row has stopped.

        Returns:
            The new tokens, (batch, n) or (n,) as the prompt was 2-D or 1-D.
        """
        if temperature <= 0:
            raise ValueError(f"temperature must be > 0, not {temperature}")
        self.eval()
        device = self.head.weight.device
        ids = torch.as_tensor(prompt, dtype=torch.long).to(device)
        squeeze = ids.dim() == 1
        ids = ids[None] if squeeze else ids
        if ids.shape[1] < 1:
            raise ValueError("the prompt needs at least one token (e.g. BOS)")
        ids = ids[:, -self.max_len :]
        ban = torch.zeros(self.config.vocab_size, dtype=torch.bool)
        if len(banned):
            ban[torch.as_tensor(list(banned), dtype=torch.long)] = True
        ban = ban.to(device)
        done = torch.zeros(ids.shape[0], dtype=torch.bool, device=device)
        new: list[torch.Tensor] = []
        logits, caches = self._prefill(ids)
        length = ids.shape[1]
        for _ in range(max_new_tokens):
            token = self._sample(logits, temperature, top_k, top_p, ban, generator)
            if eos_id is not None:
                token = torch.where(done, torch.full_like(token, eos_id), token)
                done |= token == eos_id
            new.append(token)
            if eos_id is not None and bool(done.all()):
                break
            ids = torch.cat([ids, token[:, None]], dim=1)
            if length >= self.max_len:  # cache full: restart from the last half context
                ids = ids[:, -(self.max_len // 2) :]
                logits, caches = self._prefill(ids)
                length = ids.shape[1]
            else:
                logits, caches = self._run(token[:, None], start=length, caches=caches)
                logits = logits[:, -1]
                length += 1
        out = torch.stack(new, dim=1) if new else torch.zeros(ids.shape[0], 0, dtype=torch.long)
        out = out.cpu()
        return out[0] if squeeze else out

    def _prefill(self, ids: torch.Tensor) -> tuple[torch.Tensor, list[KVCache]]:
        """Logits of the last position of ``ids`` and a :class:`KVCache` per layer holding its keys and
        values, with room for the rest of the context."""
        logits, caches = self._run(ids)
        return logits[:, -1], [KVCache(k, v, self.max_len) for k, v in caches]

    @staticmethod
    def _sample(
        logits: torch.Tensor,
        temperature: float,
        top_k: int | None,
        top_p: float | None,
        ban: torch.Tensor,
        generator: torch.Generator | None,
    ) -> torch.Tensor:
        logits = (logits.float() / temperature).masked_fill(ban, float("-inf"))
        if top_k is not None and 0 < top_k < logits.shape[-1]:
            kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        if top_p is not None and 0 < top_p < 1:
            ordered, order = torch.sort(logits, dim=-1, descending=True)
            cumulative = torch.softmax(ordered, dim=-1).cumsum(dim=-1)
            drop = cumulative - torch.softmax(ordered, dim=-1) >= top_p  # keep the first token always
            logits = logits.scatter(1, order, ordered.masked_fill(drop, float("-inf")))
        probs = torch.softmax(logits, dim=-1)
        if generator is not None and generator.device != probs.device:  # a CPU torch.Generator draws on the CPU
            return torch.multinomial(probs.cpu(), 1, generator=generator).squeeze(1).to(probs.device)
        return torch.multinomial(probs, 1, generator=generator).squeeze(1)
