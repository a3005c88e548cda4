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
  Asking for top-k implies ``prompt_logprobs``.  ``target_prompt_logprobs`` (``PromptTargets``) and
  ``prompt_alt_tokens_k``: see ``_prompt_scores``; the alternatives are drawn from their own generator
  seeded from (seed, 2³²−1), so asking for them never changes the sampled tokens.
* ``topk_sample_logprobs=k``: with each sampled token, the ``min(k, V)`` most likely
  ``(token, logprob)`` pairs of the distribution it was drawn from (unscaled logprobs, descending,
  lower id first among equal logprobs).
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
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._errors import EngineInputError
from ._model import BaseModel
from ._prompt_scores import PromptScores, PromptTargets, TopkRow, finite_logits, log_softmax, score_prompt, topk
from ._trainable import SamplerWeights, check_tokens

# Seeds of unseeded requests: unpredictable enough for sampling, drawn without a system call each (the
# OS's random source per request cost more than the rest of planning a one-token sample).
_SEEDS = random.Random()

_TOP_P_PREFILTER = 1024
#: sample i draws from generator (seed, i); the prompt alternatives from (seed, _ALT_STREAM), which no
#: sample index reaches
_ALT_STREAM = (1 << 32) - 1


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
    topk_logprobs: list[TopkRow] | None = None  # one row per token (topk_sample_logprobs)


@dataclass(frozen=True)
class SampleResult:
    sequences: list[SampledSequence]
    prompt_logprobs: list[float | None] | None = None
    topk_prompt_logprobs: list[TopkRow | None] | None = None
    target_prompt_logprobs: np.ndarray | None = None  # float32, aligned with PromptTargets.ids
    alt_tokens: np.ndarray | None = None  # int64 [len(prompt) - 1, prompt_alt_tokens_k]
    alt_logprobs: np.ndarray | None = None  # float32, same shape


@dataclass(frozen=True)
class PromptEvent:
    prompt_logprobs: list[float | None] | None
    topk_prompt_logprobs: list[TopkRow | None] | None
    target_prompt_logprobs: np.ndarray | None = None
    alt_tokens: np.ndarray | None = None
    alt_logprobs: np.ndarray | None = None


@dataclass(frozen=True)
class TokenEvent:
    sample_index: int
    token: int
    logprob: float
    topk: TopkRow | None = None  # topk_sample_logprobs


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
    topk_sample: int
    targets: PromptTargets | None
    alt_k: int


def _count(value: Any, name: str) -> int:
    if not _is_int(value) or value < 0:
        raise EngineInputError(f"{name}: expected an integer >= 0, got {value!r}")
    return int(value)


def _plan(
    weights,
    prompt,
    cfg,
    num_samples,
    prompt_logprobs,
    topk_prompt_logprobs,
    decode,
    topk_sample_logprobs=0,
    target_prompt_logprobs=None,
    prompt_alt_tokens_k=0,
) -> _Plan:
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
        seed = _SEEDS.getrandbits(63)
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
    k = min(_count(topk_prompt_logprobs, "topk_prompt_logprobs"), V)
    targets = None
    if target_prompt_logprobs is not None:
        if not isinstance(target_prompt_logprobs, PromptTargets):
            raise EngineInputError(
                f"target_prompt_logprobs: expected PromptTargets, got {type(target_prompt_logprobs).__name__}"
            )
        targets = target_prompt_logprobs.check(len(p) - 1, V)
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
        topk_sample=min(_count(topk_sample_logprobs, "topk_sample_logprobs"), V),
        targets=targets,
        alt_k=_count(prompt_alt_tokens_k, "prompt_alt_tokens_k"),
    )


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


def _run(plan: _Plan) -> Iterator[StreamEvent]:
    sw = plan.weights
    base = sw.base
    net = sw.net()
    cfg = base.config
    prompt = plan.prompt
    P = len(prompt)
    n = plan.num_samples
    hf, kv = net.forward(prompt[None, :], keep=False)
    first = finite_logits(net.logits(hf[-1:]), net)  # checked before anything is emitted
    scores = PromptScores()
    if plan.want_prompt_lp or plan.targets is not None or plan.alt_k:
        rng = _rng(plan.seed, _ALT_STREAM) if plan.alt_k else None
        scores = score_prompt(
            net,
            hf,
            prompt,
            want_logprobs=plan.want_prompt_lp,
            k=plan.topk_prompt,
            targets=plan.targets,
            alt_k=plan.alt_k,
            temperature=plan.temperature,
            rng=rng,
        )
    yield PromptEvent(
        scores.prompt_logprobs,
        scores.topk_prompt_logprobs,
        scores.target_prompt_logprobs,
        scores.alt_tokens,
        scores.alt_logprobs,
    )

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
    rngs = [_rng(plan.seed, i) for i in range(n)]
    out: list[list[int]] = [[] for _ in range(n)]
    active = [True] * n
    nxt = np.zeros(n, dtype=np.int64)
    for step in range(plan.max_tokens):
        lsm = log_softmax(logits)
        top_ids = top_vals = None
        if plan.topk_sample:
            top_ids, top_vals = topk(lsm, plan.topk_sample)
        for i in range(n):
            if not active[i]:
                continue
            tok = _choose(logits[i], plan, rngs[i])
            nxt[i] = tok
            out[i].append(tok)
            row = None
            if top_ids is not None and top_vals is not None:
                row = list(zip(top_ids[i].tolist(), top_vals[i].tolist()))
            yield TokenEvent(i, tok, float(lsm[i, tok]), row)
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
        logits = finite_logits(net.logits(h), net)


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([abs(seed), int(seed < 0), stream]))


def sample_stream(
    weights: SamplerWeights | BaseModel,
    prompt: Any,
    cfg: SamplingConfig,
    num_samples: int = 1,
    prompt_logprobs: bool = False,
    topk_prompt_logprobs: int = 0,
    decode: Callable[[list[int]], str] | None = None,
    *,
    topk_sample_logprobs: int = 0,
    target_prompt_logprobs: PromptTargets | None = None,
    prompt_alt_tokens_k: int = 0,
) -> Iterator[StreamEvent]:
    """Validate now, then return a generator of ``PromptEvent`` / ``TokenEvent`` / ``DoneEvent``."""
    return _run(
        _plan(
            weights,
            prompt,
            cfg,
            num_samples,
            prompt_logprobs,
            topk_prompt_logprobs,
            decode,
            topk_sample_logprobs,
            target_prompt_logprobs,
            prompt_alt_tokens_k,
        )
    )


def sample(
    weights: SamplerWeights | BaseModel,
    prompt: Any,
    cfg: SamplingConfig,
    num_samples: int = 1,
    prompt_logprobs: bool = False,
    topk_prompt_logprobs: int = 0,
    decode: Callable[[list[int]], str] | None = None,
    *,
    topk_sample_logprobs: int = 0,
    target_prompt_logprobs: PromptTargets | None = None,
    prompt_alt_tokens_k: int = 0,
) -> SampleResult:
    """Run ``sample_stream`` to completion and collect the result (one code path)."""
    plan = _plan(
        weights,
        prompt,
        cfg,
        num_samples,
        prompt_logprobs,
        topk_prompt_logprobs,
        decode,
        topk_sample_logprobs,
        target_prompt_logprobs,
        prompt_alt_tokens_k,
    )
    n = plan.num_samples
    toks: list[list[int]] = [[] for _ in range(n)]
    lps: list[list[float]] = [[] for _ in range(n)]
    tops: list[list[TopkRow]] = [[] for _ in range(n)]
    reasons: list[str] = ["length"] * n
    prompt_ev = PromptEvent(None, None)
    for ev in _run(plan):
        if isinstance(ev, TokenEvent):
            toks[ev.sample_index].append(ev.token)
            lps[ev.sample_index].append(ev.logprob)
            if ev.topk is not None:
                tops[ev.sample_index].append(ev.topk)
        elif isinstance(ev, DoneEvent):
            reasons[ev.sample_index] = ev.stop_reason
        else:
            prompt_ev = ev
    return SampleResult(
        sequences=[
            SampledSequence(t, lp, r, tk if plan.topk_sample else None)
            for t, lp, r, tk in zip(toks, lps, reasons, tops)
        ],
        prompt_logprobs=prompt_ev.prompt_logprobs if plan.want_prompt_lp else None,
        topk_prompt_logprobs=prompt_ev.topk_prompt_logprobs,
        target_prompt_logprobs=prompt_ev.target_prompt_logprobs,
        alt_tokens=prompt_ev.alt_tokens,
        alt_logprobs=prompt_ev.alt_logprobs,
    )
