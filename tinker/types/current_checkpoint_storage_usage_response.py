"""Public path of the generated `tinker_api.models.current_checkpoint_storage_usage_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.current_checkpoint_storage_usage_response import (
    CurrentCheckpointStorageUsageItem,
    CurrentCheckpointStorageUsageResponse,
)

__all__ = ["CurrentCheckpointStorageUsageItem", "CurrentCheckpointStorageUsageResponse"]
