"""Sampling result conventions: top-k sentinels, NaN-as-missing logprobs and the JSON result forms."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ._errors import WireError
from ._tensor_json import tensor_from_json
from ._types import (
    WireForwardBackwardOutput,
    WirePromptAltTokens,
    WireSampledSequence,
    WireSampleResponse,
    WireTopk,
)
from .tensor import TensorData

__all__ = [
    "TOPK_SENTINEL_LOGPROB",
    "TOPK_SENTINEL_TOKEN",
    "forward_backward_output_from_json",
    "forward_backward_output_to_json",
    "logprobs_from_list",
    "logprobs_to_list",
    "sample_response_from_json",
    "sample_response_to_json",
    "topk_from_lists",
    "topk_to_lists",
]

#: Token id of an unused top-k cell.
TOPK_SENTINEL_TOKEN = 0
#: Logprob of an unused top-k cell.
TOPK_SENTINEL_LOGPROB = -99999.0


def topk_to_lists(topk: WireTopk | None) -> list[list[tuple[int, float]] | None] | None:
    """Turn a top-k grid into per-position lists of ``(token_id, logprob)``.

    A row whose first cell is the sentinel ``(0, -99999.0)`` becomes ``None``; trailing sentinel cells
    of a row are dropped. ``None`` in gives ``None`` out.
    """
    if topk is None:
        return None
    ids = topk.token_ids
    lps = topk.logprobs
    sentinel = (ids == TOPK_SENTINEL_TOKEN) & (lps == np.float32(TOPK_SENTINEL_LOGPROB))
    n, k = ids.shape
    if k == 0:
        return [None] * n
    real = ~sentinel
    # index one past the last real cell of each row (0 when the row is all sentinel)
    last = np.where(real.any(axis=1), k - np.argmax(real[:, ::-1], axis=1), 0)
    ids_l = ids.tolist()
    lps_l = lps.tolist()
    first_sentinel = sentinel[:, 0].tolist()
    ends = last.tolist()
    out: list[list[tuple[int, float]] | None] = []
    for r in range(n):
        if first_sentinel[r]:
            out.append(None)
        else:
            e = ends[r]
            out.append(list(zip(ids_l[r][:e], lps_l[r][:e])))
    return out


def topk_from_lists(rows: Sequence[Iterable[Sequence[float]] | None], k: int | None = None) -> WireTopk:
    """Build a sentinel-padded top-k grid from per-position ``[(token_id, logprob), ...]`` lists.

    ``None`` rows become all-sentinel rows. ``k`` defaults to the longest row; longer rows raise.
    """
    materialised: list[list[Sequence[float]] | None] = [None if r is None else list(r) for r in rows]
    width = max((len(r) for r in materialised if r is not None), default=0)
    if k is None:
        k = width
    elif width > k:
        raise WireError(f"topk: a row has {width} candidates, more than k = {k}")
    n = len(materialised)
    ids = np.full((n, k), TOPK_SENTINEL_TOKEN, dtype=np.int64)
    lps = np.full((n, k), TOPK_SENTINEL_LOGPROB, dtype=np.float32)
    for i, r in enumerate(materialised):
        if r:
            for j, cell in enumerate(r):
                if len(cell) != 2:
                    raise WireError(f"topk[{i}][{j}]: expected a [token_id, logprob] pair, got {cell!r}")
                ids[i, j] = int(cell[0])
                lps[i, j] = float(cell[1])
    return WireTopk(ids, lps)


def logprobs_to_list(values: np.ndarray | None) -> list[float | None] | None:
    """float32 logprobs with NaN for missing entries -> a list with ``None`` for missing entries."""
    if values is None:
        return None
    out: list[float | None] = values.tolist()
    if np.isnan(values).any():
        out = [None if math.isnan(v) else v for v in out]  # type: ignore[arg-type]
    return out


def logprobs_from_list(values: Iterable[float | None] | None) -> np.ndarray | None:
    """A list with ``None`` for missing entries -> float32 array with NaN for missing entries."""
    if values is None:
        return None
    return np.array([math.nan if v is None else v for v in values], dtype=np.float32)


# --- JSON forms of the two protobuf results (served to clients <= 0.24) ---------------------------


def sample_response_to_json(resp: WireSampleResponse) -> dict[str, Any]:
    """The JSON ``SampleResponse`` (no ``null`` fields written).

    Sequences (with ``topk_logprobs`` rows when the sequence has top-k), ``prompt_logprobs`` (``null``
    where missing), ``topk_prompt_logprobs`` (``null`` rows or ``[token_id, logprob]`` pairs),
    ``prompt_cache_hit_tokens``, and the 0.33+ ``target_prompt_logprobs`` (a ``TensorData``) and
    ``prompt_alt_tokens`` (``{"tokens": TensorData, "logprobs": TensorData}``) when present.
    """
    seqs = []
    for s in resp.sequences:
        d: dict[str, Any] = {"stop_reason": s.stop_reason, "tokens": s.tokens.tolist()}
        if s.logprobs is not None:
            d["logprobs"] = s.logprobs.tolist()
        seq_rows = topk_to_lists(s.topk)
        if seq_rows is not None:
            d["topk_logprobs"] = _rows_to_json(seq_rows)
        seqs.append(d)
    out: dict[str, Any] = {"sequences": seqs, "type": "sample"}
    if resp.prompt_logprobs is not None:
        out["prompt_logprobs"] = logprobs_to_list(resp.prompt_logprobs)
    rows = topk_to_lists(resp.topk_prompt_logprobs)
    if rows is not None:
        out["topk_prompt_logprobs"] = _rows_to_json(rows)
    out["prompt_cache_hit_tokens"] = int(resp.prompt_cache_hit_tokens)
    if resp.target_prompt_logprobs is not None:
        out["target_prompt_logprobs"] = resp.target_prompt_logprobs.to_json_dict()
    alt = resp.prompt_alt_tokens
    if alt is not None:
        out["prompt_alt_tokens"] = {"tokens": alt.tokens.to_json_dict(), "logprobs": alt.logprobs.to_json_dict()}
    return out


def _rows_to_json(rows: list[list[tuple[int, float]] | None]) -> list[list[list[float]] | None]:
    return [None if r is None else [[t, lp] for t, lp in r] for r in rows]


def _req(d: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in d:
        raise WireError(f"{where}.{name}: required field is missing")
    return d[name]


def sample_response_from_json(d: Any) -> WireSampleResponse:
    """Parse the JSON ``SampleResponse`` form (inverse of :func:`sample_response_to_json`)."""
    where = "SampleResponse"
    if not isinstance(d, Mapping):
        raise WireError(f"{where}: expected an object, got {type(d).__name__}")
    raw_seqs = _req(d, "sequences", where)
    if not isinstance(raw_seqs, list):
        raise WireError(f"{where}.sequences: expected an array")
    seqs = []
    for i, s in enumerate(raw_seqs):
        sw = f"{where}.sequences[{i}]"
        if not isinstance(s, Mapping):
            raise WireError(f"{sw}: expected an object")
        reason = _req(s, "stop_reason", sw)
        if reason not in ("stop", "length"):
            raise WireError(f"{sw}.stop_reason: must be 'stop' or 'length', got {reason!r}")
        tokens = _req(s, "tokens", sw)
        lps = s.get("logprobs")
        seq_topk = s.get("topk_logprobs")
        try:
            topk = None if seq_topk is None else topk_from_lists(seq_topk)
            seqs.append(WireSampledSequence(reason, np.asarray(tokens, dtype=np.int64), lps, topk))
        except (TypeError, ValueError, OverflowError) as e:
            raise WireError(f"{sw}: bad tokens/logprobs/topk_logprobs ({e})") from None
    prompt_lp = d.get("prompt_logprobs")
    topk_raw = d.get("topk_prompt_logprobs")
    try:
        plp = logprobs_from_list(prompt_lp)
    except (TypeError, ValueError) as e:
        raise WireError(f"{where}.prompt_logprobs: {e}") from None
    topk = None if topk_raw is None else topk_from_lists(topk_raw)
    hits = d.get("prompt_cache_hit_tokens", 0) or 0
    target_raw = d.get("target_prompt_logprobs")
    target = None if target_raw is None else tensor_from_json(target_raw, f"{where}.target_prompt_logprobs")
    alt_raw = d.get("prompt_alt_tokens")
    alt = None
    if alt_raw is not None:
        aw = f"{where}.prompt_alt_tokens"
        if not isinstance(alt_raw, Mapping):
            raise WireError(f"{aw}: expected an object")
        alt = WirePromptAltTokens(
            tensor_from_json(_req(alt_raw, "tokens", aw), f"{aw}.tokens"),
            tensor_from_json(_req(alt_raw, "logprobs", aw), f"{aw}.logprobs"),
        )
    return WireSampleResponse(seqs, plp, topk, int(hits), target, alt)


def forward_backward_output_to_json(out: WireForwardBackwardOutput) -> dict[str, Any]:
    """The JSON ``ForwardBackwardOutput`` form (per-datum maps of ``TensorData``)."""
    return {
        "loss_fn_output_type": out.loss_fn_output_type,
        "loss_fn_outputs": [{k: t.to_json_dict() for k, t in d.items()} for d in out.loss_fn_outputs],
        "metrics": {k: float(v) for k, v in out.metrics.items()},
    }


def forward_backward_output_from_json(d: Any) -> WireForwardBackwardOutput:
    """Parse the JSON ``ForwardBackwardOutput`` form; tensors are validated like :func:`tensor_from_json`."""
    where = "ForwardBackwardOutput"
    if not isinstance(d, Mapping):
        raise WireError(f"{where}: expected an object, got {type(d).__name__}")
    out_type = d.get("loss_fn_output_type") or "ArrayRecord"
    raw = _req(d, "loss_fn_outputs", where)
    if not isinstance(raw, list):
        raise WireError(f"{where}.loss_fn_outputs: expected an array")
    outputs: list[dict[str, TensorData]] = []
    for i, m in enumerate(raw):
        if not isinstance(m, Mapping):
            raise WireError(f"{where}.loss_fn_outputs[{i}]: expected an object")
        outputs.append({k: tensor_from_json(v, f"{where}.loss_fn_outputs[{i}][{k!r}]") for k, v in m.items()})
    metrics_raw = d.get("metrics") or {}
    if not isinstance(metrics_raw, Mapping):
        raise WireError(f"{where}.metrics: expected an object")
    metrics: dict[str, float] = {}
    for k, v in metrics_raw.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise WireError(f"{where}.metrics[{k!r}]: expected a number, got {type(v).__name__}")
        metrics[k] = float(v)
    return WireForwardBackwardOutput(str(out_type), outputs, metrics)
