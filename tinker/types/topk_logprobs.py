"""Dense top-k log-probability tables (for prompt positions or sampled positions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tinker_wire._lazy import deferred_import

if TYPE_CHECKING:
    import numpy as np
else:
    np = deferred_import("numpy", globals())


__all__ = ["TopkLogprobs", "TopkPromptLogprobs"]

SENTINEL_TOKEN_ID = 0
"""Token id of an empty cell."""

SENTINEL_LOGPROB = -99999.0
"""Log-probability of an empty cell."""

TopkEntries = list[list[tuple[int, float]] | None]
"""List view of a top-k table: per position ``None`` or a list of ``(token_id, logprob)`` pairs."""


def topk_rows_from_json(rows: Sequence[Any] | None) -> TopkEntries | None:
    """Convert JSON rows (``null`` or a list of ``[token_id, logprob]`` arrays) to the list view."""
    if rows is None:
        return None
    return [None if row is None else [(_token_id(pair[0]), float(pair[1])) for pair in row] for row in rows]


_INT32_MAX = 2**31 - 1


def _token_id(value: Any) -> int:
    """A token id from JSON: an integer in ``[0, 2**31 - 1]`` (integral floats accepted), never truncated."""
    as_int = int(value)
    if as_int != value or not 0 <= as_int <= _INT32_MAX:
        raise ValueError(f"token ids are integers in [0, {_INT32_MAX}], got {value!r}")
    return as_int


@dataclass(frozen=True, eq=False)
class TopkLogprobs:
    """A ``(positions, k)`` table of the k most likely tokens at each position.

    ``token_ids`` is int32 and ``logprobs`` float32, both of shape ``(n, k)``; empty cells hold the
    sentinel pair ``(0, -99999.0)``. :meth:`to_list` turns the table into per-position lists of
    ``(token_id, logprob)`` pairs with trailing sentinel cells dropped (``None`` for a row that starts
    with the sentinel).
    """

    token_ids: np.ndarray
    logprobs: np.ndarray

    def __post_init__(self) -> None:
        ids = np.asarray(self.token_ids, dtype=np.int32)
        lps = np.asarray(self.logprobs, dtype=np.float32)
        if ids.ndim == 1 and ids.size == 0:
            ids = ids.reshape(0, 0)
        if lps.ndim == 1 and lps.size == 0:
            lps = lps.reshape(0, 0)
        if ids.ndim != 2 or ids.shape != lps.shape:
            raise ValueError(f"TopkLogprobs needs two 2-D arrays of the same shape, got {ids.shape} and {lps.shape}")
        object.__setattr__(self, "token_ids", ids)
        object.__setattr__(self, "logprobs", lps)

    @property
    def length(self) -> int:
        """Number of positions (rows)."""
        return int(self.token_ids.shape[0])

    @property
    def k(self) -> int:
        """Number of cells per position (columns)."""
        return int(self.token_ids.shape[1])

    def to_list(self) -> TopkEntries:
        """Per position: ``None`` if the row is empty or starts with the sentinel, else its pairs."""
        empty = (self.token_ids == SENTINEL_TOKEN_ID) & (self.logprobs == np.float32(SENTINEL_LOGPROB))
        ids = self.token_ids.tolist()
        lps = self.logprobs.tolist()
        out: TopkEntries = []
        for r, row_empty in enumerate(empty.tolist()):
            if not row_empty or row_empty[0]:  # zero-width or starts with the sentinel
                out.append(None)
                continue
            end = len(row_empty)
            while end and row_empty[end - 1]:
                end -= 1
            out.append(list(zip(ids[r][:end], lps[r][:end])))
        return out

    @classmethod
    def from_list(cls, rows: Sequence[Sequence[tuple[int, float]] | None], k: int | None = None) -> TopkLogprobs:
        """Build the table from the list view, padding short rows (and ``None`` rows) with the sentinel."""
        width = max((len(row) for row in rows if row is not None), default=0) if k is None else k
        ids = np.full((len(rows), width), SENTINEL_TOKEN_ID, dtype=np.int32)
        lps = np.full((len(rows), width), SENTINEL_LOGPROB, dtype=np.float32)
        for r, row in enumerate(rows):
            if not row:
                continue
            if len(row) > width:
                raise ValueError(f"row {r} has {len(row)} entries, more than k={width}")
            for c, (token_id, logprob) in enumerate(row):
                ids[r, c] = token_id
                lps[r, c] = logprob
        return cls(token_ids=ids, logprobs=lps)

    def to_json_dict(self) -> dict[str, Any]:
        """Dense JSON form ``{"token_ids": [[...]], "logprobs": [[...]]}``."""
        return {"token_ids": self.token_ids.tolist(), "logprobs": self.logprobs.tolist()}

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> TopkLogprobs:
        """Parse the dense JSON form (see :meth:`to_json_dict`)."""
        return cls(token_ids=np.asarray(obj["token_ids"]), logprobs=np.asarray(obj["logprobs"]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TopkLogprobs):
            return NotImplemented
        return bool(
            np.array_equal(self.token_ids, other.token_ids)
            and np.array_equal(self.logprobs, other.logprobs, equal_nan=True)
        )

    __hash__ = object.__hash__


TopkPromptLogprobs = TopkLogprobs
"""Former name of :class:`TopkLogprobs` (prompt positions only)."""
