"""Public path of the generated `tinker_api.models.checkpoint_archive_url_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.checkpoint_archive_url_response import CheckpointArchiveUrlResponse

__all__ = ["CheckpointArchiveUrlResponse"]
