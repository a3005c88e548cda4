"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ._base import StrictBase
from .severity import Severity

__all__ = ["GenericEvent"]


class GenericEvent(StrictBase):
    event_id: str
    event_session_index: int
    severity: Severity
    timestamp: datetime
    event: Literal["GENERIC_EVENT"] = "GENERIC_EVENT"
    event_name: str
    event_data: dict[str, Any] | None = None
