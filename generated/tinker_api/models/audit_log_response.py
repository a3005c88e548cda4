"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .audit_log_entry import AuditLogEntry

__all__ = ["AuditLogResponse"]


class AuditLogResponse(BaseModel):
    """Audit entries sorted by time."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["entries"])

    entries: list[AuditLogEntry]
