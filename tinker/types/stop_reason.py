"""Public path of the generated `tinker_api.models.stop_reason` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.stop_reason import StopReason

__all__ = ["StopReason"]
