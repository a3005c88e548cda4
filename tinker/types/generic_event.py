"""Public path of the generated `tinker_api.models.generic_event` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.generic_event import GenericEvent

__all__ = ["GenericEvent"]
