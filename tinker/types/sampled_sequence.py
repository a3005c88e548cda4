"""`SampledSequence`: one generated continuation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from tinker_wire._lazy import deferred_import

from ._json_wire import JsonWire
from .stop_reason import StopReason
from .topk_logprobs import TopkEntries, TopkLogprobs, topk_rows_from_json

if TYPE_CHECKING:
    import numpy as np
else:
    np = deferred_import("numpy", globals())

__all__ = ["SampledSequence"]

_STOP_REASONS = ("length", "stop")


def _array_or_none(value: Any, dtype: type[np.generic]) -> np.ndarray | None:
    return None if value is None else np.asarray(value, dtype=dtype).reshape(-1)


def _as_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    return cast(list[Any], value.tolist()) if isinstance(value, np.ndarray) else list(value)


@dataclass(frozen=True, init=False, eq=False, repr=False)
class SampledSequence(JsonWire):
    """A generated sequence: its tokens, their log-probabilities and why generation stopped.

    Accepts the 0.38 form ``SampledSequence(stop_reason, sequence_id, tokens_np=..., logprobs_np=...)``
    (numpy arrays, or ``_tokens_list=`` / ``_logprobs_list=`` lists) as well as the older keyword form
    ``SampledSequence(stop_reason=..., tokens=[...], logprobs=[...])``; ``sequence_id`` may then be
    omitted (``None``).

    ``tokens``, ``logprobs`` and ``topk_logprobs`` are list views computed once and cached.
    """

    _required_on_wire = frozenset({"stop_reason", "tokens"})

    stop_reason: StopReason
    sequence_id: str | None
    """Session-scoped id of this sequence (names it in provenance spans); ``None`` if not assigned."""
    tokens_np: np.ndarray | None
    logprobs_np: np.ndarray | None
    topk_logprobs_np: TopkLogprobs | None
    _tokens_list: list[int] | None
    _logprobs_list: list[float] | None
    _topk_logprobs_list: TopkEntries | None

    def __init__(
        self,
        stop_reason: StopReason,
        sequence_id: str | None = None,
        tokens_np: np.ndarray | None = None,
        logprobs_np: np.ndarray | None = None,
        topk_logprobs_np: TopkLogprobs | None = None,
        _tokens_list: Sequence[int] | None = None,
        _logprobs_list: Sequence[float] | None = None,
        _topk_logprobs_list: TopkEntries | None = None,
        *,
        tokens: Sequence[int] | np.ndarray | None = None,
        logprobs: Sequence[float] | np.ndarray | None = None,
        topk_logprobs: TopkEntries | None = None,
    ) -> None:
        if sequence_id is not None and not isinstance(sequence_id, str):
            raise TypeError(
                "SampledSequence.sequence_id must be a str or None (the 0.38 signature is "
                "SampledSequence(stop_reason, sequence_id, tokens_np=..., logprobs_np=...)); "
                f"got {type(sequence_id).__name__}"
            )
        if tokens is not None:
            if isinstance(tokens, np.ndarray):
                tokens_np = tokens
            else:
                _tokens_list = tokens
        if logprobs is not None:
            if isinstance(logprobs, np.ndarray):
                logprobs_np = logprobs
            else:
                _logprobs_list = logprobs
        if topk_logprobs is not None:
            if isinstance(topk_logprobs, TopkLogprobs):
                topk_logprobs_np = topk_logprobs
            else:
                _topk_logprobs_list = topk_logprobs
        setattr_ = object.__setattr__
        setattr_(self, "stop_reason", stop_reason)
        setattr_(self, "sequence_id", sequence_id)
        setattr_(self, "tokens_np", _array_or_none(tokens_np, np.int32))
        setattr_(self, "logprobs_np", _array_or_none(logprobs_np, np.float32))
        setattr_(self, "topk_logprobs_np", topk_logprobs_np)
        setattr_(self, "_tokens_list", _as_list(_tokens_list))
        setattr_(self, "_logprobs_list", _as_list(_logprobs_list))
        setattr_(self, "_topk_logprobs_list", None if _topk_logprobs_list is None else list(_topk_logprobs_list))

    @property
    def tokens(self) -> list[int]:
        """Generated token ids."""
        if self._tokens_list is None:
            value = [] if self.tokens_np is None else cast(list[int], self.tokens_np.tolist())
            object.__setattr__(self, "_tokens_list", value)
        return cast(list[int], self._tokens_list)

    @property
    def logprobs(self) -> list[float] | None:
        """Log-probability of each generated token, or ``None`` if the server did not return them."""
        if self._logprobs_list is None and self.logprobs_np is not None:
            object.__setattr__(self, "_logprobs_list", self.logprobs_np.tolist())
        return self._logprobs_list

    @property
    def topk_logprobs(self) -> TopkEntries | None:
        """Top-k ``(token_id, logprob)`` pairs at each generated position, if they were requested."""
        if self._topk_logprobs_list is None and self.topk_logprobs_np is not None:
            object.__setattr__(self, "_topk_logprobs_list", self.topk_logprobs_np.to_list())
        return self._topk_logprobs_list

    # ------------------------------------------------------------------ wire

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form ``{"stop_reason", "sequence_id"?, "tokens", "logprobs"?, "topk_logprobs"?}``."""
        out: dict[str, Any] = {"stop_reason": self.stop_reason}
        if self.sequence_id is not None:
            out["sequence_id"] = self.sequence_id
        out["tokens"] = self.tokens
        if self.logprobs is not None:
            out["logprobs"] = self.logprobs
        topk = self.topk_logprobs
        if topk is not None:
            out["topk_logprobs"] = [None if row is None else [[t, lp] for t, lp in row] for row in topk]
        return out

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> SampledSequence:
        """Parse the JSON form (see :meth:`to_json_dict`); unknown ``stop_reason`` values raise ``ValueError``."""
        stop_reason = obj.get("stop_reason")
        if stop_reason not in _STOP_REASONS:
            raise ValueError(f"unknown stop_reason {stop_reason!r}")
        tokens = obj.get("tokens") or []
        logprobs = obj.get("logprobs")
        try:
            tokens_np = np.asarray(tokens, dtype=np.int32)
        except (OverflowError, ValueError, TypeError):
            raise ValueError(f"tokens must be integers in [0, {2**31 - 1}], got {tokens!r:.200}") from None
        return cls(
            stop_reason,
            obj.get("sequence_id"),
            tokens_np=tokens_np,
            logprobs_np=None if logprobs is None else np.asarray(logprobs, dtype=np.float32),
            _tokens_list=tokens,
            _logprobs_list=logprobs,
            _topk_logprobs_list=topk_rows_from_json(obj.get("topk_logprobs")),
        )

    # ----------------------------------------------------------------- dunder

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SampledSequence):
            return NotImplemented
        return (
            self.stop_reason == other.stop_reason
            and self.sequence_id == other.sequence_id
            and self.tokens == other.tokens
            and self.logprobs == other.logprobs
            and self.topk_logprobs == other.topk_logprobs
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"SampledSequence(stop_reason={self.stop_reason!r}, sequence_id={self.sequence_id!r}, "
            f"tokens={self.tokens!r}, logprobs={self.logprobs!r})"
        )
