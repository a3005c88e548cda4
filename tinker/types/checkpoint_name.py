"""Public path of the generated `tinker_api.models.checkpoint_name` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.checkpoint_name import CheckpointName

__all__ = ["CheckpointName"]
