"""Public path of the generated `tinker_api.models.session_trace_export_poll_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_trace_export_poll_response import SessionTraceExportPollResponse

__all__ = ["SessionTraceExportPollResponse"]
