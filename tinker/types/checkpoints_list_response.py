"""Public path of the generated `tinker_api.models.checkpoints_list_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.checkpoints_list_response import CheckpointsListResponse

__all__ = ["CheckpointsListResponse"]
