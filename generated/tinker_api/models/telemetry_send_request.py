"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from pydantic import Field

from ._base import StrictBase
from .telemetry_event import TelemetryEvent

__all__ = ["TelemetrySendRequest"]


class TelemetrySendRequest(StrictBase):
    """A batch of telemetry events."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["events", "platform", "sdk_version", "session_id"]
    )

    events: list[TelemetryEvent] = Field(max_length=1000)
    platform: str
    sdk_version: str
    session_id: str
    process_uuid: str | None = None
    """Required by SDK >= 0.24."""
