"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from datetime import datetime

from ._base import BaseModel
from .severity import Severity

__all__ = ["TelemetryEventCommon"]


class TelemetryEventCommon(BaseModel):
    event_id: str
    event_session_index: int
    severity: Severity
    timestamp: datetime
