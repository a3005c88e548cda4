"""Public path of the generated `tinker_api.models.session_end_event` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_end_event import SessionEndEvent

__all__ = ["SessionEndEvent"]
