"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel
from .queue_state import QueueState

__all__ = ["TryAgainResponse"]


class TryAgainResponse(BaseModel):
    """Poll reply: not done yet."""

    type: Literal["try_again"] = "try_again"
    request_id: str
    queue_state: QueueState
    """A :data:`QueueState` value (other strings mean "unknown")."""
    queue_state_reason: str | None = None
