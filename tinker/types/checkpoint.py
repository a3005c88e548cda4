"""Public path of the generated `tinker_api.models.checkpoint` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.checkpoint import Checkpoint, CheckpointType, ParsedCheckpointTinkerPath

__all__ = ["Checkpoint", "CheckpointType", "ParsedCheckpointTinkerPath"]
