"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase

__all__ = ["ImageAssetPointerChunk"]


class ImageAssetPointerChunk(StrictBase):
    format: Literal["png", "jpeg"]
    location: str
    expected_tokens: int | None = None
    type: Literal["image_asset_pointer"] = "image_asset_pointer"
