"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict

from .telemetry_event_common import TelemetryEventCommon

__all__ = ["SessionStartEvent"]


class SessionStartEvent(TelemetryEventCommon):
    """The session started."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["event", "event_id", "event_session_index", "severity", "timestamp"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"event": "SESSION_START"}

    event: Literal["SESSION_START"] = "SESSION_START"
