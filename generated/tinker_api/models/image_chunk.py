"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import Base64Bytes, StrictBase
from ._mixins.image_chunk import ImageChunkMixin

__all__ = ["ImageChunk"]


class ImageChunk(ImageChunkMixin, StrictBase):
    """An image given by its encoded bytes, which travel as base64 text in JSON.

    The model decides how many tokens the image takes; ``expected_tokens`` states that number up front
    so the client can compute lengths (the server may reject a mismatch).
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["data", "format"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "image"}

    data: Base64Bytes
    """Raw PNG or JPEG bytes, base64."""
    format: Literal["png", "jpeg"]
    expected_tokens: int | None = Field(default=None, ge=0)
    """How many tokens the image is expected to occupy; needed for :attr:`length`."""
    type: Literal["image"] = "image"
