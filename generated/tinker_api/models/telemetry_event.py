"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Annotated, TypeAlias

from pydantic import Discriminator, Tag

from ._base import discriminate
from .generic_event import GenericEvent
from .session_end_event import SessionEndEvent
from .session_start_event import SessionStartEvent
from .unhandled_exception_event import UnhandledExceptionEvent

__all__ = ["TelemetryEvent"]


TelemetryEvent: TypeAlias = Annotated[
    Annotated[SessionStartEvent, Tag("SESSION_START")]
    | Annotated[SessionEndEvent, Tag("SESSION_END")]
    | Annotated[UnhandledExceptionEvent, Tag("UNHANDLED_EXCEPTION")]
    | Annotated[GenericEvent, Tag("GENERIC_EVENT")],
    Discriminator(
        discriminate(
            "event",
            (
                (
                    "SESSION_START",
                    ("event_id", "event_session_index", "severity", "timestamp"),
                ),
                (
                    "SESSION_END",
                    (
                        "event_id",
                        "event_session_index",
                        "severity",
                        "timestamp",
                        "duration",
                    ),
                ),
                (
                    "UNHANDLED_EXCEPTION",
                    (
                        "event_id",
                        "event_session_index",
                        "severity",
                        "timestamp",
                        "error_type",
                        "error_message",
                    ),
                ),
                (
                    "GENERIC_EVENT",
                    (
                        "event_id",
                        "event_session_index",
                        "severity",
                        "timestamp",
                        "event_name",
                    ),
                ),
            ),
        )
    ),
]
