"""Public path of the generated `tinker_api.models.model_input_chunk` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.model_input_chunk import ModelInputChunk

__all__ = ["ModelInputChunk"]
