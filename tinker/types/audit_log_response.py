"""Public path of the generated `tinker_api.models.audit_log_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.audit_log_response import AuditLogResponse

__all__ = ["AuditLogResponse"]
