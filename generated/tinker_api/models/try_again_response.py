"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel
from .queue_state import QueueState

__all__ = ["TryAgainResponse"]


class TryAgainResponse(BaseModel):
    """Poll reply: not done yet."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["queue_state", "request_id", "type"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "try_again"}

    type: Literal["try_again"] = "try_again"
    request_id: str
    queue_state: QueueState
    """A :data:`QueueState` value (other strings mean "unknown")."""
    queue_state_reason: str | None = None
