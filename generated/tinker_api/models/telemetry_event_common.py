"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import ClassVar

from ._base import BaseModel
from .severity import Severity

__all__ = ["TelemetryEventCommon"]


class TelemetryEventCommon(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["event_id", "event_session_index", "severity", "timestamp"]
    )

    event_id: str
    event_session_index: int
    severity: Severity
    timestamp: datetime
