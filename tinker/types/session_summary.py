"""Public path of the generated `tinker_api.models.session_summary` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_summary import SessionSummary

__all__ = ["SessionSummary"]
