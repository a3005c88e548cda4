"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict

from .telemetry_event_common import TelemetryEventCommon

__all__ = ["SessionEndEvent"]


class SessionEndEvent(TelemetryEventCommon):
    """The session ended after ``duration`` (free text, e.g. ``"0:01:02.500000"``)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        [
            "duration",
            "event",
            "event_id",
            "event_session_index",
            "severity",
            "timestamp",
        ]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"event": "SESSION_END"}

    event: Literal["SESSION_END"] = "SESSION_END"
    duration: str
    """Python timedelta text, e.g. `0:01:02.500000`."""
