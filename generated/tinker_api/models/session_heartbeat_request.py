"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase

__all__ = ["SessionHeartbeatRequest"]


class SessionHeartbeatRequest(StrictBase):
    """Body of ``POST /api/v1/session_heartbeat``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["session_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "session_heartbeat"}

    session_id: str = Field(min_length=1)
    type: Literal["session_heartbeat"] = "session_heartbeat"
