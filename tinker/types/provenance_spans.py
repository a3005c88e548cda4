"""Provenance spans: which sampled sequence each run of datum positions came from.

A datum may carry two span lists. ``model_input_spans`` tiles the model input and
``loss_fn_input_spans`` tiles ``loss_fn_inputs["target_tokens"]``: consecutive runs whose lengths add up
to the tiled length, positions following from the order. Each span claims its run equals positions
``[offset, offset + length)`` of either the prompt (:class:`PromptProvenanceSpan`) or the sampled tokens
(:class:`SampledProvenanceSpan`) of the sequence named by ``sequence_id``.

In JSON (a choice of this SDK; the official SDK sends spans only inside its protobuf bodies) a span is
``{"type": "prompt_tokens" | "sampled_tokens", "sequence_id": ..., "offset": ..., "length": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "PromptProvenanceSpan",
    "ProvenanceSpan",
    "ProvenanceSpans",
    "SampledProvenanceSpan",
]


# The two span kinds below differ only in ``json_type``: they inherit this dataclass's fields and methods rather
# than being dataclasses of their own (each @dataclass costs about as much to create as a whole small module).
@dataclass(frozen=True, kw_only=True)
class _SpanBase:
    sequence_id: str
    """Id of the sampled sequence (``SampledSequence.sequence_id``) the run comes from."""
    offset: int = 0
    """First position within the prompt / sampled tokens."""
    length: int
    """Number of positions covered."""

    json_type: ClassVar[str]

    def __post_init__(self) -> None:
        if not isinstance(self.sequence_id, str) or not self.sequence_id:
            raise ValueError(f"{type(self).__name__}.sequence_id must be a non-empty string")
        for name in ("offset", "length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{type(self).__name__}.{name} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"{type(self).__name__}.{name} must be >= 0, got {value}")

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form ``{"type", "sequence_id", "offset", "length"}``."""
        return {
            "type": self.json_type,
            "sequence_id": self.sequence_id,
            "offset": self.offset,
            "length": self.length,
        }


class PromptProvenanceSpan(_SpanBase):
    """A run of positions copied from the **prompt** of the request that produced ``sequence_id``."""

    json_type: ClassVar[str] = "prompt_tokens"


class SampledProvenanceSpan(_SpanBase):
    """A run of positions copied from the **sampled tokens** of the sequence ``sequence_id``."""

    json_type: ClassVar[str] = "sampled_tokens"


ProvenanceSpan = PromptProvenanceSpan | SampledProvenanceSpan
ProvenanceSpans = list[ProvenanceSpan]

_SPAN_TYPES: dict[str, type[_SpanBase]] = {
    "prompt_tokens": PromptProvenanceSpan,
    "sampled_tokens": SampledProvenanceSpan,
}


def span_from_json_dict(obj: Mapping[str, Any]) -> ProvenanceSpan:
    """Parse one span from its JSON form (see the module docstring)."""
    cls = _SPAN_TYPES.get(str(obj.get("type")))
    if cls is None:
        raise ValueError(f"unknown provenance span type {obj.get('type')!r}")
    span = cls(sequence_id=obj["sequence_id"], offset=int(obj.get("offset", 0)), length=int(obj["length"]))
    return span  # type: ignore[return-value]
