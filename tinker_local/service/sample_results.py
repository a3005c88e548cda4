"""The optional parts of a sample request and of its result: prompt logprobs and top-k, the logprobs of
requested target ids (``target_prompt_logprobs``), alternative prompt tokens (``prompt_alt_tokens_k``) and
per-token top-k of the samples (``topk_sample_logprobs``).

One code path builds them for both answers: the future's ``SampleResponse`` (protobuf or JSON) and the
``stream_sample`` events (a ``prompt`` event first, then ``topk_logprobs`` on each ``token`` event).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import tinker_wire as wire

from .. import engine as eng
from .._errors import bad_request

__all__ = [
    "MAX_RESULT_CELLS",
    "MAX_TOPK_WIDTH",
    "PromptParts",
    "ResultShape",
    "TargetLayout",
    "parse_targets",
    "topk_grid",
]

#: the contract's largest top-k width; the distinct ids of ``target_prompt_logprobs`` are bounded alike
MAX_TOPK_WIDTH = 1024
#: top-k, target and alternative cells of one result: ~32 MB of protobuf, ~130 MB of JSON at most
MAX_RESULT_CELLS = 1 << 22

_TARGETS = "target_prompt_logprobs"


@dataclass(frozen=True)
class TargetLayout:
    """The request tensor's layout, which the result repeats (same CSR indices when sparse)."""

    shape: tuple[int, int]
    crow: np.ndarray | None = None
    col: np.ndarray | None = None

    def tensor(self, values: np.ndarray) -> wire.TensorData:
        """float32 ``values`` aligned with the request's cells, in the request's layout."""
        if self.crow is None:
            return wire.TensorData(data=values, dtype="float32", shape=self.shape)
        return wire.TensorData(
            data=values,
            dtype="float32",
            shape=self.shape,
            sparse_crow_indices=self.crow,
            sparse_col_indices=self.col,
        )


def parse_targets(raw: Any, prompt_len: int) -> tuple[eng.PromptTargets, TargetLayout] | None:
    """The cells of ``target_prompt_logprobs`` (JSON ``TensorData``, dense or CSR) and their layout.

    Ids are range-checked by the engine against the model's vocabulary."""
    if raw is None:
        return None
    try:
        td = wire.tensor_from_json(raw, _TARGETS)
    except wire.WireError as e:
        raise bad_request(str(e)) from None
    shape = td.shape
    if td.dtype != "int64" or shape is None or len(shape) != 2:
        raise bad_request(f"{_TARGETS}: expected an int64 tensor of shape [len(prompt) - 1, K], got {td!r}")
    rows_n, width = shape
    if rows_n != prompt_len - 1:
        raise bad_request(
            f"{_TARGETS}: expected len(prompt) - 1 = {prompt_len - 1} rows (row i scores prompt token i + 1), "
            f"got {rows_n}"
        )
    cells = td._values.size if td.is_sparse else rows_n * width
    if cells > MAX_RESULT_CELLS:  # before any per-cell index array is built
        raise bad_request(
            f"{_TARGETS}: {cells} cells exceed the local server's limit of {MAX_RESULT_CELLS}; "
            "send it sparse (TensorData.from_torch_sparse(ids, pad_value=-1)) or ask for fewer ids"
        )
    if td.is_sparse:
        # the codec's own arrays (TensorData keeps CSR values, row pointers and columns as numpy)
        values, crow, col = td._values, td._crow, td._col
        assert crow is not None and col is not None
        rows = np.repeat(np.arange(rows_n, dtype=np.int64), np.diff(crow))
        layout = TargetLayout((rows_n, width), crow, col)
    else:
        values = td.to_numpy().reshape(-1)
        rows = np.repeat(np.arange(rows_n, dtype=np.int64), width)
        layout = TargetLayout((rows_n, width))
    named = values[values >= 0]
    distinct = int(np.unique(named).size)
    if distinct > MAX_TOPK_WIDTH:
        raise bad_request(
            f"{_TARGETS}: names {distinct} distinct token ids; at most {MAX_TOPK_WIDTH} (the largest top-k width) "
            "per request"
        )
    return eng.PromptTargets(rows, values), layout


@dataclass(frozen=True)
class ResultShape:
    """What a sample request asks to get back besides the sampled tokens."""

    prompt_len: int
    num_samples: int
    max_tokens: int
    prompt_logprobs: bool
    topk_prompt: int
    last_n: int | None
    topk_sample: int
    target_cells: int
    target_layout: TargetLayout | None
    alt_k: int

    def check_size(self) -> None:
        """Refuse a result larger than ``MAX_RESULT_CELLS``, naming the fields that make it up."""
        parts = [  # (field, how its cells are counted, cells)
            (
                "topk_sample_logprobs",
                "num_samples x max_tokens x k",
                self.num_samples * self.max_tokens * self.topk_sample,
            ),
            ("topk_prompt_logprobs", "len(prompt) x k", self.prompt_len * self.topk_prompt),
            ("prompt_alt_tokens_k", "(len(prompt) - 1) x k", (self.prompt_len - 1) * self.alt_k),
            (_TARGETS, "cells", self.target_cells),
        ]
        total = sum(cells for _, _, cells in parts)
        if total > MAX_RESULT_CELLS:
            used = [p for p in parts if p[2]]
            raise bad_request(
                f"{', '.join(f for f, _, _ in used)}: the result would hold {total} cells "
                f"({'; '.join(f'{f}: {how} = {cells}' for f, how, cells in used)}), over the local server's limit "
                f"of {MAX_RESULT_CELLS}; ask for a smaller k or fewer samples or tokens"
            )

    @property
    def any_prompt_part(self) -> bool:
        return self.prompt_logprobs or bool(self.topk_prompt) or self.target_layout is not None or bool(self.alt_k)


def topk_grid(rows: list[list[tuple[int, float]]], k: int) -> wire.WireTopk:
    """A sequence's top-k rows (each ``min(k, V)`` pairs long) as a ``len(rows) x k`` grid, padded with the
    sentinel; built with numpy, as a result may hold millions of cells."""
    ids = np.full((len(rows), k), wire.TOPK_SENTINEL_TOKEN, dtype=np.int64)
    lps = np.full((len(rows), k), wire.TOPK_SENTINEL_LOGPROB, dtype=np.float32)
    if rows:
        cells = np.asarray(rows, dtype=np.float64)  # [T, min(k, V), 2]: ids are exact in float64
        ids[:, : cells.shape[1]] = cells[..., 0].astype(np.int64)
        lps[:, : cells.shape[1]] = cells[..., 1]
    return wire.WireTopk(ids, lps)


@dataclass(frozen=True)
class PromptParts:
    """The prompt results of one request, in wire form (each ``None`` when not requested)."""

    prompt_logprobs: np.ndarray | None = None
    topk_prompt_logprobs: wire.WireTopk | None = None
    target_prompt_logprobs: wire.TensorData | None = None
    prompt_alt_tokens: wire.WirePromptAltTokens | None = None

    @classmethod
    def of(cls, shape: ResultShape, ev: eng.PromptEvent | None) -> PromptParts:
        if ev is None:
            return cls()
        vals = ev.prompt_logprobs
        rows = ev.topk_prompt_logprobs
        if shape.last_n is not None:  # only the last N positions are scored; the others stay missing
            cut = shape.prompt_len - shape.last_n
            vals = None if vals is None else [None if i < cut else v for i, v in enumerate(vals)]
            rows = None if rows is None else [None if i < cut else r for i, r in enumerate(rows)]
        target = None
        if shape.target_layout is not None and ev.target_prompt_logprobs is not None:
            target = shape.target_layout.tensor(ev.target_prompt_logprobs)
        alt = None
        if shape.alt_k and ev.alt_tokens is not None and ev.alt_logprobs is not None:
            alt = wire.WirePromptAltTokens(
                wire.TensorData.from_numpy(ev.alt_tokens), wire.TensorData.from_numpy(ev.alt_logprobs)
            )
        return cls(
            wire.logprobs_from_list(vals) if shape.prompt_logprobs and vals is not None else None,
            wire.topk_from_lists(rows, shape.topk_prompt) if shape.topk_prompt and rows is not None else None,
            target,
            alt,
        )

    def to_json(self) -> dict[str, Any]:
        """The ``prompt`` event of ``stream_sample``: the requested parts in their JSON result forms."""
        out: dict[str, Any] = {}
        if self.prompt_logprobs is not None:
            out["prompt_logprobs"] = wire.logprobs_to_list(self.prompt_logprobs)
        rows = wire.topk_to_lists(self.topk_prompt_logprobs)
        if rows is not None:
            out["topk_prompt_logprobs"] = [None if r is None else [[t, lp] for t, lp in r] for r in rows]
        if self.target_prompt_logprobs is not None:
            out[_TARGETS] = self.target_prompt_logprobs.to_json_dict()
        if self.prompt_alt_tokens is not None:
            out["prompt_alt_tokens"] = {
                "tokens": self.prompt_alt_tokens.tokens.to_json_dict(),
                "logprobs": self.prompt_alt_tokens.logprobs.to_json_dict(),
            }
        return out

    def response(self, sequences: list[wire.WireSampledSequence]) -> wire.WireSampleResponse:
        return wire.WireSampleResponse(
            sequences,
            self.prompt_logprobs,
            self.topk_prompt_logprobs,
            0,
            self.target_prompt_logprobs,
            self.prompt_alt_tokens,
        )
