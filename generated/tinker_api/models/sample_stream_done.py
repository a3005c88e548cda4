"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .stop_reason import StopReason

__all__ = ["SampleStreamDone"]


class SampleStreamDone(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["index", "num_tokens", "stop_reason"]
    )

    index: int
    stop_reason: StopReason
    num_tokens: int
    sequence_id: str | None = None
