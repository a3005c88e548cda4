"""Organisation audit log (``GET /api/v1/audit``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from ._base import ResponseModel

__all__ = ["AuditLogEntry", "AuditLogEventType", "AuditLogResponse"]

AuditLogEventType = Literal["all", "checkpoints", "projects", "teams", "organizations"]
"""Values of the ``event_type`` query parameter."""


class AuditLogEntry(ResponseModel):
    """One audited action; ``event`` reads ``<resource>_<action>`` (e.g. ``checkpoint_read``).

    ``model_id``, ``tinker_path`` and ``purpose`` are deprecated (checkpoint events only).
    """

    timestamp: datetime
    event: str
    model_id: str | None = None
    tinker_path: str | None = None
    purpose: str | None = None
    event_details: dict[str, Any] = Field(default_factory=dict)


class AuditLogResponse(ResponseModel):
    """Audit entries sorted by time."""

    entries: list[AuditLogEntry]
