"""Public path of the generated `tinker_api.models.dmel_chunk` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.dmel_chunk import DmelChunk

__all__ = ["DmelChunk"]
