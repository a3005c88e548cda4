"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ._base import StrictBase
from .severity import Severity

__all__ = ["UnhandledExceptionEvent"]


class UnhandledExceptionEvent(StrictBase):
    event_id: str
    event_session_index: int
    severity: Severity
    timestamp: datetime
    event: Literal["UNHANDLED_EXCEPTION"] = "UNHANDLED_EXCEPTION"
    error_type: str
    error_message: str
    traceback: str | None = None
