"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from ._mixins.image_asset_pointer_chunk import ImageAssetPointerChunkMixin

__all__ = ["ImageAssetPointerChunk"]


class ImageAssetPointerChunk(ImageAssetPointerChunkMixin, StrictBase):
    """An image stored elsewhere (a path or URL the service can read)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["format", "location"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "image_asset_pointer"}

    format: Literal["png", "jpeg"]
    location: str
    """Where the service can read the image from."""
    expected_tokens: int | None = Field(default=None, ge=0)
    """How many tokens the image is expected to occupy; needed for :attr:`length`."""
    type: Literal["image_asset_pointer"] = "image_asset_pointer"
