"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["SessionHeartbeatResponse"]


class SessionHeartbeatResponse(BaseModel):
    """Result of a heartbeat."""

    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "session_heartbeat"}

    type: Literal["session_heartbeat"] = "session_heartbeat"
