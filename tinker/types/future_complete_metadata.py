"""Public path of the generated `tinker_api.models.future_complete_metadata` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.future_complete_metadata import FutureCompleteMetadata

__all__ = ["FutureCompleteMetadata"]
