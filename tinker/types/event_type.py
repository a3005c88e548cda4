"""Public path of the generated `tinker_api.models.event_type` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.event_type import EventType

__all__ = ["EventType"]
