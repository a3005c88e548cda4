"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel
from .queue_state import QueueState

__all__ = ["TryAgainResponse"]


class TryAgainResponse(BaseModel):
    type: Literal["try_again"] = "try_again"
    request_id: str
    queue_state: QueueState
    queue_state_reason: str | None = None
