"""Telemetry batches the client sends to ``POST /api/v1/telemetry``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from ._base import RequestModel, ResponseModel

__all__ = [
    "EventType",
    "GenericEvent",
    "SessionEndEvent",
    "SessionStartEvent",
    "Severity",
    "TelemetryBatch",
    "TelemetryEvent",
    "TelemetryResponse",
    "TelemetrySendRequest",
    "UnhandledExceptionEvent",
]

Severity = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
EventType = Literal["SESSION_START", "SESSION_END", "UNHANDLED_EXCEPTION", "GENERIC_EVENT"]


class _EventBase(RequestModel):
    event_id: str
    event_session_index: int
    severity: Severity
    timestamp: datetime


class SessionStartEvent(_EventBase):
    """The session started."""

    event: Literal["SESSION_START"] = "SESSION_START"


class SessionEndEvent(_EventBase):
    """The session ended after ``duration`` (free text, e.g. ``"0:01:02.500000"``)."""

    event: Literal["SESSION_END"] = "SESSION_END"
    duration: str


class UnhandledExceptionEvent(_EventBase):
    """An exception escaped the SDK."""

    event: Literal["UNHANDLED_EXCEPTION"] = "UNHANDLED_EXCEPTION"
    error_type: str
    error_message: str
    traceback: str | None = None


class GenericEvent(_EventBase):
    """A named event with free-form data."""

    event: Literal["GENERIC_EVENT"] = "GENERIC_EVENT"
    event_name: str
    event_data: dict[str, Any] = Field(default_factory=dict)


TelemetryEvent = Annotated[
    SessionStartEvent | SessionEndEvent | UnhandledExceptionEvent | GenericEvent,
    Field(discriminator="event"),
]


class TelemetrySendRequest(RequestModel):
    """A batch of telemetry events."""

    events: list[TelemetryEvent]
    platform: str
    sdk_version: str
    session_id: str
    process_uuid: str


TelemetryBatch = TelemetrySendRequest


class TelemetryResponse(ResponseModel):
    """Reply to a telemetry batch."""

    status: Literal["accepted"] = "accepted"
