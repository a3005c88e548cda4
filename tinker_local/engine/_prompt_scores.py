"""What one prefill reports about the prompt, besides sampling from its end.

Row ``r`` (0-based) of every per-row result is the model's distribution over prompt token ``r + 1``,
computed from the prompt's first ``r + 1`` tokens (position 0 has no preceding context):

* ``prompt_logprobs``: the log-softmax of the unscaled logits at the actual next prompt token;
* ``topk_prompt_logprobs=k``: the ``min(k, V)`` most likely ``(token, logprob)`` pairs, descending
  (equal logprobs: lower id first);
* ``targets`` (``target_prompt_logprobs``): for each requested cell ``(row, id)``, the logprob of ``id`` at
  that row; ``id == -1`` asks for nothing and reports 0.0;
* ``alt_k`` (``prompt_alt_tokens_k``): ``k`` independent draws per row, with replacement, from
  ``softmax(logits / temperature)`` — temperature only: ``top_k``/``top_p`` shape the sampled
  continuation, not these alternatives — reported with their *unscaled* logprobs (like sampled tokens).
  Temperature 0 (or one so small that the scaled logits overflow) is greedy: every draw is the argmax,
  lowest id on ties. Tokens of probability 0 at that temperature are never drawn.

Everything is computed in row chunks of at most ``LOGITS_BUDGET`` logits, in float64 from the model's
logits, so a long prompt over a large vocabulary never materialises a ``[P, V]`` matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._errors import EngineInputError
from ._model import _Net, overflow_cause

__all__ = ["LOGITS_BUDGET", "PromptScores", "PromptTargets", "finite_logits", "log_softmax", "score_prompt", "topk"]

LOGITS_BUDGET = 1 << 22

TopkRow = list[tuple[int, float]]


@dataclass(frozen=True)
class PromptTargets:
    """Cells of ``target_prompt_logprobs``, in any layout: cell ``i`` asks for the logprob of ``ids[i]``
    (``-1``: nothing) at row ``rows[i]``. Both int64, same length; the result is aligned with them."""

    rows: np.ndarray
    ids: np.ndarray

    def check(self, n_rows: int, vocab_size: int) -> PromptTargets:
        """Validated int64 copies; ``n_rows`` = len(prompt) − 1."""
        name = "target_prompt_logprobs"
        rows = np.asarray(self.rows)
        ids = np.asarray(self.ids)
        if rows.ndim != 1 or ids.shape != rows.shape:
            raise EngineInputError(f"{name}: rows and ids must be 1-D of one length, got {rows.shape} and {ids.shape}")
        if rows.size and (rows.dtype.kind not in "iu" or ids.dtype.kind not in "iu"):
            raise EngineInputError(f"{name}: rows and ids must be integers, got {rows.dtype} and {ids.dtype}")
        rows = rows.astype(np.int64)
        ids = ids.astype(np.int64)
        if rows.size and (rows.min() < 0 or rows.max() >= n_rows):
            bad = int(rows[(rows < 0) | (rows >= n_rows)][0])
            raise EngineInputError(
                f"{name}: row {bad} outside [0, {n_rows}) (one row per prompt token after the first)"
            )
        if ids.size and (ids.min() < -1 or ids.max() >= vocab_size):
            bad = int(ids[(ids < -1) | (ids >= vocab_size)][0])
            raise EngineInputError(
                f"{name}: token id {bad} outside the vocabulary [0, {vocab_size}) (use -1 for cells to skip)"
            )
        if not (ids >= 0).any():
            raise EngineInputError(f"{name}: names no token id (every cell is -1); send at least one id or omit it")
        return PromptTargets(rows, ids)


@dataclass(frozen=True)
class PromptScores:
    """The prompt results of one prefill; each is ``None`` when not requested."""

    prompt_logprobs: list[float | None] | None = None  # len(prompt) entries, the first None
    topk_prompt_logprobs: list[TopkRow | None] | None = None  # len(prompt) rows, the first None
    target_prompt_logprobs: np.ndarray | None = None  # float32, aligned with PromptTargets.ids
    alt_tokens: np.ndarray | None = None  # int64 [len(prompt) - 1, alt_k]
    alt_logprobs: np.ndarray | None = None  # float32 [len(prompt) - 1, alt_k]


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    m = x.max(axis=-1, keepdims=True)
    x = x - m
    return x - np.log(np.exp(x).sum(axis=-1, keepdims=True))


def finite_logits(logits: np.ndarray, net: _Net) -> np.ndarray:
    """NaN/inf logits would give NaN logprobs (unencodable as JSON) and garbage tokens: refuse them."""
    if not np.isfinite(logits).all():
        raise EngineInputError(
            f"sampling: the model's logits are not finite: {overflow_cause(net.adapter)}; "
            "sample from an earlier checkpoint"
        )
    return logits


def topk(ls: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``min(k, V)`` largest entries of each row of ``ls`` [R, V]: (ids, values), descending,
    lower id first among equal values."""
    V = ls.shape[1]
    k = min(k, V)
    # -ls sorted ascending with a stable sort keeps equal values in id order; argpartition first
    # when k is well below V (its selection is not stable, so ties at the cut are settled by id below)
    if k < V:
        part = np.argpartition(-ls, k - 1, axis=1)[:, :k]
        cut = np.take_along_axis(ls, part, axis=1).min(axis=1, keepdims=True)
        # every id strictly above the cut is in; fill the rest with the lowest ids equal to the cut
        above = ls > cut
        at = ls == cut
        need = k - above.sum(axis=1, keepdims=True)
        take = above | (at & (np.cumsum(at, axis=1) <= need))
        part = np.nonzero(take)[1].reshape(ls.shape[0], k)
    else:
        part = np.broadcast_to(np.arange(V), ls.shape)
    vals = np.take_along_axis(ls, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(vals, order, axis=1)


def _alternatives(
    logits: np.ndarray, ls: np.ndarray, u: np.ndarray, temperature: float
) -> tuple[np.ndarray, np.ndarray]:
    """Draws for rows of unscaled ``logits`` [R, V] given uniforms ``u`` [R, k] in [0, 1)."""
    R, k = u.shape
    if temperature == 0.0:
        tok = np.repeat(np.argmax(logits, axis=1)[:, None], k, axis=1)
    else:
        x = logits.astype(np.float64)
        # max first, then divide: only underflow to -inf (probability 0) can happen, as in the sampler
        with np.errstate(over="ignore"):
            z = (x - x.max(axis=1, keepdims=True)) / temperature
        p = np.exp(z)
        cdf = np.cumsum(p, axis=1)
        live = p > 0
        # the last token of positive probability: where rounding may push a draw past the total
        last = p.shape[1] - 1 - np.argmax(live[:, ::-1], axis=1)
        tok = np.empty((R, k), dtype=np.int64)
        for r in range(R):
            # side="right": the first id whose cdf exceeds the draw, which has positive probability
            j = np.searchsorted(cdf[r], u[r] * cdf[r, -1], side="right")
            tok[r] = np.minimum(j, last[r])
    return tok, np.take_along_axis(ls, tok, axis=1).astype(np.float32)


def score_prompt(
    net: _Net,
    hf: np.ndarray,
    prompt: np.ndarray,
    *,
    want_logprobs: bool,
    k: int,
    targets: PromptTargets | None,
    alt_k: int,
    temperature: float,
    rng: np.random.Generator | None,
) -> PromptScores:
    """The requested prompt results from the prefill's final hidden states ``hf`` [P, d]."""
    n = len(prompt)
    R = n - 1  # rows: one per prompt token after the first
    lps: list[float | None] | None = [None] if want_logprobs else None
    tops: list[TopkRow | None] | None = [None] if k > 0 else None
    t_rows = targets.rows if targets is not None else np.zeros(0, dtype=np.int64)
    t_ids = targets.ids if targets is not None else np.zeros(0, dtype=np.int64)
    tgt = np.zeros(len(t_ids), dtype=np.float32) if targets is not None else None
    alt_tok = np.zeros((R, alt_k), dtype=np.int64) if alt_k > 0 else None
    alt_lp = np.zeros((R, alt_k), dtype=np.float32) if alt_k > 0 else None
    # drawn up front, row-major: the draws depend on the seed only, not on the chunking
    u = rng.random((R, alt_k)) if alt_k > 0 and rng is not None else None
    named = t_ids >= 0
    # rows before the first one naming an id need no logits for the targets
    first = int(t_rows[named].min()) if named.any() else R
    start = 0 if (lps is not None or tops is not None or alt_k > 0) else first
    chunk = max(1, LOGITS_BUDGET // net.base.vocab_size)
    for r0 in range(start, R, chunk):
        r1 = min(R, r0 + chunk)
        logits = finite_logits(net.logits(hf[r0:r1]), net)
        ls = log_softmax(logits)
        rows = np.arange(r1 - r0)
        if lps is not None:
            lps.extend(float(x) for x in ls[rows, prompt[r0 + 1 : r1 + 1]])
        if tops is not None:
            ids, vals = topk(ls, k)
            tops.extend([(int(a), float(b)) for a, b in zip(ids[i].tolist(), vals[i].tolist())] for i in rows)
        if tgt is not None:
            sel = named & (t_rows >= r0) & (t_rows < r1)
            tgt[sel] = ls[t_rows[sel] - r0, t_ids[sel]]
        if alt_tok is not None and alt_lp is not None and u is not None:
            alt_tok[r0:r1], alt_lp[r0:r1] = _alternatives(logits, ls, u[r0:r1], temperature)
    return PromptScores(lps, tops, tgt, alt_tok, alt_lp)
