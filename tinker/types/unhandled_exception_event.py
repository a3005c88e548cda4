"""Public path of the generated `tinker_api.models.unhandled_exception_event` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.unhandled_exception_event import UnhandledExceptionEvent

__all__ = ["UnhandledExceptionEvent"]
