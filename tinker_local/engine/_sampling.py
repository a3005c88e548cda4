"""Sampling with a KV cache, as a stream of events (``sample_stream``) or a batch (``sample``).

Semantics:

* ``num_samples`` rows share one prompt prefill, then decode in one batch.
* ``temperature`` 0 = greedy (argmax of the logits, lowest id on ties); otherwise
  (logits − max) / T (so any T small enough for that to overflow is greedy too, exact ties
  then drawn uniformly), then ``top_k`` (-1 or 0 = off; exactly k tokens kept), then ``top_p``
  (1.0 = off; the smallest most-likely set whose probability reaches top_p).  Excluded
  tokens have probability exactly 0 and are never drawn.
* Sample i draws from its own ``numpy`` generator seeded from (seed, i): the same seed gives
  the same tokens whatever ``num_samples`` is (up to float rounding: another ``num_samples``
  is another decode-batch shape, whose BLAS kernel may change the logits in the last bits and
  so move a draw lying that close to a CDF boundary); ``seed=None`` draws a random seed.
* Non-finite logits (adapter weights blown up by a huge learning rate) raise
  ``EngineInputError`` instead of yielding NaN logprobs.
* The returned logprob of each sampled token is the log-softmax of the **unscaled** logits
  (before temperature / top-k / top-p).
* ``stop``: ``None`` = the model's EOS ids (the built-in model: ``<|eos|>``; a registered
  model without EOS ids then has no implicit stop); ``[]`` = no stop at all (runs to
  max_tokens); a string or list of strings = stop strings (needs ``decode``); a list of ints =
  stop token ids.  An explicit list replaces the EOS default.  Generation stops at the first
  match, the stop token(s) stay in the output (for a string, up to the token that completes
  it), ``stop_reason`` is ``"stop"``; otherwise ``"length"`` after ``max_tokens``.
* ``prompt_logprobs``: N entries, the first ``None``; ``topk_prompt_logprobs=k``: per position
  the k most likely ``(token, logprob)`` pairs (descending), first position ``None``.
  Asking for top-k implies ``prompt_logprobs``.
* ``len(prompt) + max_tokens`` may not exceed the context length.

Events of ``sample_stream``: first one ``PromptEvent`` (its fields None when not requested),
then per decoding step, for each unfinished sample in index order, a ``TokenEvent`` followed,
if that token finished the sample, by its ``DoneEvent``.  Arguments are validated when
``sample_stream`` is called (not on first ``next``); closing the generator cancels the work.
Sampling keeps all state local to the call: concurrent calls on one ``SamplerWeights``
from several threads are safe.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._errors import EngineInputError
from ._model import BaseModel, _Net, overflow_cause
from ._trainable import SamplerWeights, check_tokens

_LOGITS_BUDGET = 1 << 22
_TOP_P_PREFILTER = 1024


@dataclass(frozen=True)
class SamplingConfig:
    max_tokens: int | None
    temperature: float = 1.0
    top_k: int = -1
    top_p: float = 1.0
    seed: int | None = None
    stop: str | Sequence[str] | Sequence[int] | None = None


@dataclass(frozen=True)
class SampledSequence:
    tokens: list[int]
    logprobs: list[float]
    stop_reason: str  # "stop" | "length"


@dataclass(frozen=True)
class SampleResult:
    sequences: list[SampledSequence]
    prompt_logprobs: list[float | None] | None = None
    topk_prompt_logprobs: list[list[tuple[int, float]] | None] | None = None


@dataclass(frozen=True)
class PromptEvent:
    prompt_logprobs: list[float | None] | None
    topk_prompt_logprobs: list[list[tuple[int, float]] | None] | None


@dataclass(frozen=True)
class TokenEvent:
    sample_index: int
    token: int
    logprob: float


@dataclass(frozen=True)
class DoneEvent:
    sample_index: int
    stop_reason: str


StreamEvent = PromptEvent | TokenEvent | DoneEvent


def _is_int(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


@dataclass(frozen=True)
class _Plan:
    weights: SamplerWeights
    prompt: np.ndarray
    max_tokens: int
    temperature: float
    top_k: int
    top_p: float
    seed: int
    stop_tokens: frozenset[int]
    stop_strings: tuple[str, ...]
    num_samples: int
    want_prompt_lp: bool
    topk_prompt: int
    decode: Callable[[list[int]], str] | None


def _plan(weights, prompt, cfg, num_samples, prompt_logprobs, topk_prompt_logprobs, decode) -> _Plan:
    if isinstance(weights, BaseModel):
        weights = SamplerWeights.from_base(weights)
    if not isinstance(weights, SamplerWeights):
        raise EngineInputError(f"weights: expected SamplerWeights or BaseModel, got {type(weights).__name__}")
    base = weights.base
    V = base.vocab_size
    ctx = base.config.context_length
    if not isinstance(cfg, SamplingConfig):
        raise EngineInputError(f"sampling_params: expected SamplingConfig, got {type(cfg).__name__}")
    if cfg.max_tokens is None:
        raise EngineInputError("sampling_params.max_tokens: required, got None")
    if not _is_int(cfg.max_tokens) or cfg.max_tokens <= 0:
        raise EngineInputError(f"sampling_params.max_tokens: expected a positive integer, got {cfg.max_tokens!r}")
    max_tokens = int(cfg.max_tokens)
    p = check_tokens(prompt, V, ctx, "prompt")
    if len(p) + max_tokens > ctx:
        raise EngineInputError(
            f"prompt: {len(p)} prompt tokens + max_tokens {max_tokens} exceed the context length {ctx}"
        )
    t = cfg.temperature
    if isinstance(t, bool) or not isinstance(t, (int, float, np.floating, np.integer)) or not math.isfinite(t) or t < 0:
        raise EngineInputError(f"sampling_params.temperature: expected a finite number >= 0, got {t!r}")
    if not _is_int(cfg.top_k) or (cfg.top_k < 1 and cfg.top_k not in (-1, 0)):
        raise EngineInputError(f"sampling_params.top_k: expected -1 (off) or a positive integer, got {cfg.top_k!r}")
    tp = cfg.top_p
    if isinstance(tp, bool) or not isinstance(tp, (int, float, np.floating, np.integer)) or not (0 < tp <= 1):
        raise EngineInputError(f"sampling_params.top_p: expected 0 < top_p <= 1, got {tp!r}")
    if cfg.seed is None:
        seed = secrets.randbits(63)
    elif _is_int(cfg.seed):
        seed = int(cfg.seed)
    else:
        raise EngineInputError(f"sampling_params.seed: expected an integer or None, got {cfg.seed!r}")

    stop = cfg.stop
    if isinstance(stop, np.ndarray):
        stop = stop.tolist()
    stop_tokens: frozenset[int] = frozenset()
    stop_strings: tuple[str, ...] = ()
    if stop is None:
        stop_tokens = frozenset(base.eos_token_ids)
    elif isinstance(stop, str):
        stop_strings = (stop,)
    elif isinstance(stop, (list, tuple)):
        items = list(stop)
        if items and all(isinstance(s, str) for s in items):
            stop_strings = tuple(items)
        elif all(_is_int(s) for s in items):
            for s in items:
                if not 0 <= int(s) < V:
                    raise EngineInputError(f"sampling_params.stop: token {int(s)} outside the vocabulary [0, {V})")
            stop_tokens = frozenset(int(s) for s in items)
        else:
            raise EngineInputError(
                f"sampling_params.stop: expected a string, a list of strings or a list of token ids, got {stop!r}"
            )
    else:
        raise EngineInputError(f"sampling_params.stop: expected a string or a list, got {type(stop).__name__}")
    if any(s == "" for s in stop_strings):
        raise EngineInputError("sampling_params.stop: empty stop string")
    if stop_strings and decode is None:
        raise EngineInputError("sampling_params.stop: string stops need a decode function (decode=None given)")
    if decode is not None and not callable(decode):
        raise EngineInputError(f"decode: expected a callable, got {type(decode).__name__}")
    if not _is_int(num_samples) or num_samples < 1:
        raise EngineInputError(f"num_samples: expected a positive integer, got {num_samples!r}")
    if not _is_int(topk_prompt_logprobs) or topk_prompt_logprobs < 0:
        raise EngineInputError(f"topk_prompt_logprobs: expected an integer >= 0, got {topk_prompt_logprobs!r}")
    k = min(int(topk_prompt_logprobs), V)
    return _Plan(
        weights=weights,
        prompt=p,
        max_tokens=max_tokens,
        temperature=float(t),
        top_k=int(cfg.top_k) if cfg.top_k > 0 else -1,
        top_p=float(tp),
        seed=seed,
        stop_tokens=stop_tokens,
        stop_strings=stop_strings,
        num_samples=int(num_samples),
        want_prompt_lp=bool(prompt_logprobs) or k > 0,
        topk_prompt=k,
        decode=decode,
    )


def _log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    m = x.max(axis=-1, keepdims=True)
    x = x - m
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def _choose(logits: np.ndarray, plan: _Plan, rng: np.random.Generator) -> int:
    """Pick one token id from unscaled logits [V] under temperature / top-k / top-p."""
    if plan.temperature == 0.0:
        return int(np.argmax(logits))
    # Subtract the max *before* dividing: (l − max) / T <= 0 can only overflow to −inf (probability
    # 0), never to +inf (then inf − inf = NaN), so a tiny T (even a denormal) is exactly greedy.
    x = logits.astype(np.float64)
    with np.errstate(over="ignore"):
        z = (x - x.max()) / plan.temperature
    V = z.shape[0]
    cand = None  # candidate ids when restricted
    if 0 < plan.top_k < V:
        cand = np.argpartition(-z, plan.top_k - 1)[: plan.top_k]
    if cand is not None:
        zc = z[cand]
    else:
        zc = z
    probs = np.exp(zc - zc.max())
    probs /= probs.sum()
    if plan.top_p < 1.0:
        n = probs.shape[0]
        pre = None
        if n > _TOP_P_PREFILTER:
            pre = np.argpartition(-probs, _TOP_P_PREFILTER - 1)[:_TOP_P_PREFILTER]
            if probs[pre].sum() < plan.top_p:
                pre = None
        idx = pre if pre is not None else np.arange(n)
        order = idx[np.argsort(-probs[idx], kind="stable")]
        cum = np.cumsum(probs[order])
        cut = min(int(np.searchsorted(cum, plan.top_p, side="left")), len(order) - 1)
        keep = order[: cut + 1]
        cand = keep if cand is None else cand[keep]
        probs = probs[keep]
        probs = probs / probs.sum()
    cdf = np.cumsum(probs)
    j = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
    j = min(j, len(cdf) - 1)
    while probs[j] == 0.0 and j > 0:  # guard against rounding landing past the last live token
        j -= 1
    return int(cand[j]) if cand is not None else j


def _finite_logits(logits: np.ndarray, net: _Net) -> np.ndarray:
    """NaN/inf logits would give NaN logprobs (unencodable as JSON) and garbage tokens: refuse them."""
    if not np.isfinite(logits).all():
        raise EngineInputError(
            f"sampling: the model's logits are not finite: {overflow_cause(net.adapter)}; "
            "sample from an earlier checkpoint"
        )
    return logits


def _prompt_scores(net: _Net, hf: np.ndarray, prompt: np.ndarray, k: int):
    """Prompt logprobs (N entries, first None) and top-k lists (first None) from hidden states."""
    n = len(prompt)
    lps: list[float | None] = [None]
    tops: list[list[tuple[int, float]] | None] | None = [None] if k > 0 else None
    V = net.base.vocab_size
    chunk = max(1, _LOGITS_BUDGET // V)
    for r0 in range(0, n - 1, chunk):
        r1 = min(n - 1, r0 + chunk)
        ls = _log_softmax(_finite_logits(net.logits(hf[r0:r1]), net))
        tgt = prompt[r0 + 1 : r1 + 1]
        lps.extend(float(x) for x in ls[np.arange(r1 - r0), tgt])
        if tops is not None:
            if k < V:
                part = np.argpartition(-ls, k - 1, axis=1)[:, :k]
            else:
                part = np.broadcast_to(np.arange(V), ls.shape)
            vals = np.take_along_axis(ls, part, axis=1)
            order = np.argsort(-vals, axis=1, kind="stable")
            ids = np.take_along_axis(part, order, axis=1)
            vals = np.take_along_axis(vals, order, axis=1)
            for i in range(r1 - r0):
                tops.append([(int(a), float(b)) for a, b in zip(ids[i], vals[i])])
    return lps, tops


def _run(plan: _Plan) -> Iterator[StreamEvent]:
    sw = plan.weights
    base = sw.base
    net = _Net(base, sw.adapter, sw.scale)
    cfg = base.config
    prompt = plan.prompt
    P = len(prompt)
    n = plan.num_samples
    hf, kv = net.forward(prompt[None, :], keep=False)
    first = _finite_logits(net.logits(hf[-1:]), net)  # checked before anything is emitted
    if plan.want_prompt_lp:
        lps, tops = _prompt_scores(net, hf, prompt, plan.topk_prompt)
        yield PromptEvent(lps, tops)
    else:
        yield PromptEvent(None, None)

    L = P + plan.max_tokens
    shape = (n, cfg.n_heads, L, cfg.head_dim)
    kcache = []
    vcache = []
    for k, v in kv:
        kc = np.empty(shape, dtype=base.dtype)
        vc = np.empty(shape, dtype=base.dtype)
        kc[:, :, :P] = k[0]
        vc[:, :, :P] = v[0]
        kcache.append(kc)
        vcache.append(vc)
    del kv
    logits = np.repeat(first, n, axis=0)  # [n, V]
    rngs = [np.random.default_rng(np.random.SeedSequence([abs(plan.seed), int(plan.seed < 0), i])) for i in range(n)]
    out: list[list[int]] = [[] for _ in range(n)]
    active = [True] * n
    nxt = np.zeros(n, dtype=np.int64)
    for step in range(plan.max_tokens):
        lsm = _log_softmax(logits)
        for i in range(n):
            if not active[i]:
                continue
            tok = _choose(logits[i], plan, rngs[i])
            nxt[i] = tok
            out[i].append(tok)
            yield TokenEvent(i, tok, float(lsm[i, tok]))
            reason = None
            if tok in plan.stop_tokens:
                reason = "stop"
            elif plan.stop_strings:
                text = plan.decode(out[i])  # type: ignore[misc]
                if any(s in text for s in plan.stop_strings):
                    reason = "stop"
            if reason is None and step == plan.max_tokens - 1:
                reason = "length"
            if reason is not None:
                active[i] = False
                yield DoneEvent(i, reason)
        if not any(active):
            return
        h = net.decode_step(nxt, P + step, kcache, vcache)
        logits = _finite_logits(net.logits(h), net)


def sample_stream(
    weights: SamplerWeights | BaseModel,
    prompt: Any,
    cfg: SamplingConfig,
    num_samples: int = 1,
    prompt_logprobs: bool = False,
    topk_prompt_logprobs: int = 0,
    decode: Callable[[list[int]], str] | None = None,
) -> Iterator[StreamEvent]:
    """Validate now, then return a generator of ``PromptEvent`` / ``TokenEvent`` / ``DoneEvent``."""
    return _run(_plan(weights, prompt, cfg, num_samples, prompt_logprobs, topk_prompt_logprobs, decode))


def sample(
    weights: SamplerWeights | BaseModel,
    prompt: Any,
    cfg: SamplingConfig,
    num_samples: int = 1,
    prompt_logprobs: bool = False,
    topk_prompt_logprobs: int = 0,
    decode: Callable[[list[int]], str] | None = None,
) -> SampleResult:
    """Run ``sample_stream`` to completion and collect the result (one code path)."""
    plan = _plan(weights, prompt, cfg, num_samples, prompt_logprobs, topk_prompt_logprobs, decode)
    toks: list[list[int]] = [[] for _ in range(plan.num_samples)]
    lps: list[list[float]] = [[] for _ in range(plan.num_samples)]
    reasons: list[str] = ["length"] * plan.num_samples
    prompt_ev = PromptEvent(None, None)
    for ev in _run(plan):
        if isinstance(ev, TokenEvent):
            toks[ev.sample_index].append(ev.token)
            lps[ev.sample_index].append(ev.logprob)
        elif isinstance(ev, DoneEvent):
            reasons[ev.sample_index] = ev.stop_reason
        else:
            prompt_ev = ev
    return SampleResult(
        sequences=[SampledSequence(t, l, r) for t, l, r in zip(toks, lps, reasons)],
        prompt_logprobs=prompt_ev.prompt_logprobs if plan.want_prompt_lp else None,
        topk_prompt_logprobs=prompt_ev.topk_prompt_logprobs,
    )
