"""Public path of the generated `tinker_api.models.image_asset_pointer_chunk` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.image_asset_pointer_chunk import ImageAssetPointerChunk

__all__ = ["ImageAssetPointerChunk"]
