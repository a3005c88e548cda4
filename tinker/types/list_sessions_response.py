"""Public path of the generated `tinker_api.models.list_sessions_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.list_sessions_response import ListSessionsResponse

__all__ = ["ListSessionsResponse"]
