"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase

__all__ = ["SessionHeartbeatRequest"]


class SessionHeartbeatRequest(StrictBase):
    session_id: str
    type: Literal["session_heartbeat"] = "session_heartbeat"
