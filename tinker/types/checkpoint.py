"""Public path of the generated `tinker_api.models.checkpoint` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.checkpoint import Checkpoint as Checkpoint
from tinker_api.models.checkpoint import CheckpointType as CheckpointType
from tinker_api.models.checkpoint import ParsedCheckpointTinkerPath as ParsedCheckpointTinkerPath

__all__ = ['Checkpoint', 'CheckpointType', 'ParsedCheckpointTinkerPath']
