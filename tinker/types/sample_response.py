"""`SampleResponse`: the result of a sample request."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from tinker_wire._lazy import deferred_import

from ._json_wire import JsonWire
from .sampled_sequence import SampledSequence
from .tensor_data import TensorData
from .topk_logprobs import TopkEntries, TopkLogprobs, topk_rows_from_json

if TYPE_CHECKING:
    import numpy as np
else:
    np = deferred_import("numpy", globals())

__all__ = ["PromptAltTokens", "SampleResponse"]


@dataclass(frozen=True)
class PromptAltTokens(JsonWire):
    """Alternative tokens drawn at every prompt position after the first (``prompt_alt_tokens_k``).

    ``tokens`` (int64) and ``logprobs`` (float32) both have shape ``[len(prompt) - 1, k]``.
    """

    _required_on_wire = frozenset({"tokens", "logprobs"})

    tokens: TensorData
    logprobs: TensorData

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", TensorData.coerce(self.tokens))
        object.__setattr__(self, "logprobs", TensorData.coerce(self.logprobs))

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form ``{"tokens": TensorData, "logprobs": TensorData}``."""
        return {"tokens": self.tokens.to_json_dict(), "logprobs": self.logprobs.to_json_dict()}

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> PromptAltTokens:
        """Parse the JSON form."""
        return cls(
            tokens=TensorData.from_json_dict(obj["tokens"]),
            logprobs=TensorData.from_json_dict(obj["logprobs"]),
        )


def _nan_to_none(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else v for v in values.tolist()]


@dataclass(frozen=True, init=False, eq=False, repr=False)
class SampleResponse(JsonWire):
    """Sampled sequences plus the optional prompt scoring a request asked for.

    * ``prompt_logprobs`` -- per prompt token its log-probability (``None`` where not computed, e.g.
      the first token); backed by ``prompt_logprobs_np`` (float32, NaN = not computed).
    * ``topk_prompt_logprobs`` -- per prompt position the top-k ``(token_id, logprob)`` pairs, backed by
      ``topk_prompt_logprobs_np``.
    * ``target_prompt_logprobs`` -- float32 logprobs of the requested target ids (same layout as the
      request's tensor, 0.0 where the request had -1).
    * ``prompt_alt_tokens`` -- see :class:`PromptAltTokens`.
    * ``prompt_cache_hit_tokens`` -- prompt tokens served from the prefix cache.

    Besides the 0.38 constructor, the older keyword form
    ``SampleResponse(sequences=..., prompt_logprobs=[...], topk_prompt_logprobs=[...])`` is accepted.
    """

    _required_on_wire = frozenset({"sequences"})
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "sample"}

    sequences: list[SampledSequence]
    prompt_logprobs_np: np.ndarray | None
    topk_prompt_logprobs_np: TopkLogprobs | None
    target_prompt_logprobs: TensorData | None
    prompt_cache_hit_tokens: int
    prompt_alt_tokens: PromptAltTokens | None
    _prompt_logprobs_list: list[float | None] | None
    _topk_prompt_logprobs_list: TopkEntries | None

    def __init__(
        self,
        sequences: Sequence[SampledSequence],
        prompt_logprobs_np: np.ndarray | None = None,
        topk_prompt_logprobs_np: TopkLogprobs | None = None,
        target_prompt_logprobs: TensorData | None = None,
        prompt_cache_hit_tokens: int = 0,
        prompt_alt_tokens: PromptAltTokens | None = None,
        _prompt_logprobs_list: Sequence[float | None] | None = None,
        _topk_prompt_logprobs_list: TopkEntries | None = None,
        *,
        prompt_logprobs: Sequence[float | None] | None = None,
        topk_prompt_logprobs: TopkEntries | None = None,
        type: Literal["sample"] | None = None,
    ) -> None:
        if prompt_logprobs is not None:
            _prompt_logprobs_list = prompt_logprobs
        if topk_prompt_logprobs is not None:
            _topk_prompt_logprobs_list = topk_prompt_logprobs
        seqs = [s if isinstance(s, SampledSequence) else SampledSequence.from_json_dict(s) for s in sequences]
        setattr_ = object.__setattr__
        setattr_(self, "sequences", seqs)
        setattr_(
            self,
            "prompt_logprobs_np",
            None if prompt_logprobs_np is None else np.asarray(prompt_logprobs_np, dtype=np.float32).reshape(-1),
        )
        setattr_(self, "topk_prompt_logprobs_np", topk_prompt_logprobs_np)
        setattr_(
            self,
            "target_prompt_logprobs",
            None if target_prompt_logprobs is None else TensorData.coerce(target_prompt_logprobs),
        )
        setattr_(self, "prompt_cache_hit_tokens", int(prompt_cache_hit_tokens or 0))
        if prompt_alt_tokens is not None and not isinstance(prompt_alt_tokens, PromptAltTokens):
            prompt_alt_tokens = PromptAltTokens.from_json_dict(prompt_alt_tokens)
        setattr_(self, "prompt_alt_tokens", prompt_alt_tokens)
        setattr_(
            self,
            "_prompt_logprobs_list",
            None if _prompt_logprobs_list is None else list(_prompt_logprobs_list),
        )
        setattr_(
            self,
            "_topk_prompt_logprobs_list",
            None if _topk_prompt_logprobs_list is None else list(_topk_prompt_logprobs_list),
        )

    @property
    def type(self) -> Literal["sample"]:
        """Always ``"sample"`` (kept from the 0.7-era model)."""
        return "sample"

    @property
    def prompt_logprobs(self) -> list[float | None] | None:
        """Log-probability of each prompt token (``None`` where not computed), if requested."""
        if self._prompt_logprobs_list is None and self.prompt_logprobs_np is not None:
            object.__setattr__(self, "_prompt_logprobs_list", _nan_to_none(self.prompt_logprobs_np))
        return self._prompt_logprobs_list

    @property
    def topk_prompt_logprobs(self) -> TopkEntries | None:
        """Top-k ``(token_id, logprob)`` pairs at each prompt position, if requested."""
        if self._topk_prompt_logprobs_list is None and self.topk_prompt_logprobs_np is not None:
            object.__setattr__(self, "_topk_prompt_logprobs_list", self.topk_prompt_logprobs_np.to_list())
        return self._topk_prompt_logprobs_list

    # ------------------------------------------------------------------ wire

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form (top-k pairs as 2-element arrays; absent optional parts omitted)."""
        out: dict[str, Any] = {"sequences": [s.to_json_dict() for s in self.sequences], "type": "sample"}
        if self.prompt_logprobs is not None:
            out["prompt_logprobs"] = self.prompt_logprobs
        topk = self.topk_prompt_logprobs
        if topk is not None:
            out["topk_prompt_logprobs"] = [None if row is None else [[t, lp] for t, lp in row] for row in topk]
        out["prompt_cache_hit_tokens"] = self.prompt_cache_hit_tokens
        if self.target_prompt_logprobs is not None:
            out["target_prompt_logprobs"] = self.target_prompt_logprobs.to_json_dict()
        if self.prompt_alt_tokens is not None:
            out["prompt_alt_tokens"] = self.prompt_alt_tokens.to_json_dict()
        return out

    @classmethod
    def from_json_dict(cls, obj: Mapping[str, Any]) -> SampleResponse:
        """Parse the JSON form (see :meth:`to_json_dict`)."""
        prompt_logprobs = obj.get("prompt_logprobs")
        target = obj.get("target_prompt_logprobs")
        alt = obj.get("prompt_alt_tokens")
        return cls(
            sequences=[SampledSequence.from_json_dict(s) for s in obj.get("sequences") or []],
            prompt_logprobs_np=None
            if prompt_logprobs is None
            else np.array([math.nan if v is None else v for v in prompt_logprobs], dtype=np.float32),
            target_prompt_logprobs=None if target is None else TensorData.from_json_dict(target),
            prompt_cache_hit_tokens=obj.get("prompt_cache_hit_tokens") or 0,
            prompt_alt_tokens=None if alt is None else PromptAltTokens.from_json_dict(alt),
            _prompt_logprobs_list=prompt_logprobs,
            _topk_prompt_logprobs_list=topk_rows_from_json(obj.get("topk_prompt_logprobs")),
        )

    # ----------------------------------------------------------------- dunder

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SampleResponse):
            return NotImplemented
        return (
            self.sequences == other.sequences
            and self.prompt_logprobs == other.prompt_logprobs
            and self.topk_prompt_logprobs == other.topk_prompt_logprobs
            and self.target_prompt_logprobs == other.target_prompt_logprobs
            and self.prompt_cache_hit_tokens == other.prompt_cache_hit_tokens
            and self.prompt_alt_tokens == other.prompt_alt_tokens
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"SampleResponse(sequences={self.sequences!r}, prompt_logprobs={self.prompt_logprobs!r}, "
            f"prompt_cache_hit_tokens={self.prompt_cache_hit_tokens!r})"
        )
