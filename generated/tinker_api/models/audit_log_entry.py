"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from ._base import BaseModel

__all__ = ["AuditLogEntry"]


class AuditLogEntry(BaseModel):
    """One audited action; ``event`` reads ``<resource>_<action>`` (e.g. ``checkpoint_read``).

    ``model_id``, ``tinker_path`` and ``purpose`` are deprecated (checkpoint events only).
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["event", "timestamp"])

    timestamp: datetime
    event: str
    model_id: str | None = None
    tinker_path: str | None = None
    purpose: str | None = None
    event_details: dict[str, Any] = Field(default={}, validate_default=True)
