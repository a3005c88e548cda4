"""Public path of the generated `tinker_api.models.session_heartbeat_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_heartbeat_response import SessionHeartbeatResponse

__all__ = ["SessionHeartbeatResponse"]
