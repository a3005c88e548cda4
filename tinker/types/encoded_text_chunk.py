"""Public path of the generated `tinker_api.models.encoded_text_chunk` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.encoded_text_chunk import EncodedTextChunk

__all__ = ["EncodedTextChunk"]
