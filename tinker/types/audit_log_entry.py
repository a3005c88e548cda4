"""Public path of the generated `tinker_api.models.audit_log_entry` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.audit_log_entry import AuditLogEntry

__all__ = ["AuditLogEntry"]
