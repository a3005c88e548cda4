"""Public path of the generated `tinker_api.models.session_start_event` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_start_event import SessionStartEvent

__all__ = ["SessionStartEvent"]
