"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from ._base import BaseModel
from .queue_state import QueueState

__all__ = ["FuturePendingResponse"]


class FuturePendingResponse(BaseModel):
    detail: str | None = None
    request_id: str | None = None
    queue_state: QueueState | None = None
    queue_state_reason: str | None = None
