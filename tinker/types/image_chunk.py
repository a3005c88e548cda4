"""Public path of the generated `tinker_api.models.image_chunk` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.image_chunk import ImageChunk

__all__ = ["ImageChunk"]
