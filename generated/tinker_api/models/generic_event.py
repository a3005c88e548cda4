"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from .telemetry_event_common import TelemetryEventCommon

__all__ = ["GenericEvent"]


class GenericEvent(TelemetryEventCommon):
    """A named event with free-form data."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        [
            "event",
            "event_id",
            "event_name",
            "event_session_index",
            "severity",
            "timestamp",
        ]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"event": "GENERIC_EVENT"}

    event: Literal["GENERIC_EVENT"] = "GENERIC_EVENT"
    event_name: str
    event_data: dict[str, Any] = Field(default={}, validate_default=True)
