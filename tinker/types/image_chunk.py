"""An inline image (raw PNG/JPEG bytes)."""

from __future__ import annotations

from typing import Literal

from ._base import Base64Bytes, RequestModel

__all__ = ["ImageChunk"]


class ImageChunk(RequestModel):
    """An image given by its encoded bytes, which travel as base64 text in JSON.

    The model decides how many tokens the image takes; ``expected_tokens`` states that number up front
    so the client can compute lengths (the server may reject a mismatch).
    """

    data: Base64Bytes
    """The encoded image file (PNG or JPEG)."""

    format: Literal["png", "jpeg"]

    expected_tokens: int | None = None
    """How many tokens the image is expected to occupy; needed for :attr:`length`."""

    type: Literal["image"] = "image"

    @property
    def length(self) -> int:
        """Token count of the image; raises ``ValueError`` unless ``expected_tokens`` was given."""
        if self.expected_tokens is None:
            raise ValueError("ImageChunk.length is unknown: set expected_tokens to compute it")
        return self.expected_tokens
