"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict

from .telemetry_event_common import TelemetryEventCommon

__all__ = ["UnhandledExceptionEvent"]


class UnhandledExceptionEvent(TelemetryEventCommon):
    """An exception escaped the SDK."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        [
            "error_message",
            "error_type",
            "event",
            "event_id",
            "event_session_index",
            "severity",
            "timestamp",
        ]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"event": "UNHANDLED_EXCEPTION"}

    event: Literal["UNHANDLED_EXCEPTION"] = "UNHANDLED_EXCEPTION"
    error_type: str
    error_message: str
    traceback: str | None = None
