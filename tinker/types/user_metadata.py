"""Public path of the generated `tinker_api.models.user_metadata` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.user_metadata import UserMetadata

__all__ = ["UserMetadata"]
