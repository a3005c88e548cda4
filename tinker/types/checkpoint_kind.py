"""Public path of the generated `tinker_api.models.checkpoint_kind` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.checkpoint_kind import CheckpointKind

__all__ = ["CheckpointKind"]
