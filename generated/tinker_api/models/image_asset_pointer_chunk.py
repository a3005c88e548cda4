"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import StrictBase
from ._mixins.image_asset_pointer_chunk import ImageAssetPointerChunkMixin

__all__ = ["ImageAssetPointerChunk"]


class ImageAssetPointerChunk(ImageAssetPointerChunkMixin, StrictBase):
    """An image stored elsewhere (a path or URL the service can read)."""

    format: Literal["png", "jpeg"]
    location: str
    """Where the service can read the image from."""
    expected_tokens: int | None = Field(default=None, ge=0)
    """How many tokens the image is expected to occupy; needed for :attr:`length`."""
    type: Literal["image_asset_pointer"] = "image_asset_pointer"
