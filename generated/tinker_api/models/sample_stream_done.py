"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel
from .stop_reason import StopReason

__all__ = ["SampleStreamDone"]


class SampleStreamDone(BaseModel):
    index: int
    stop_reason: StopReason
    num_tokens: int
    sequence_id: str | None = None
