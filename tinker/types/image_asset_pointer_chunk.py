"""An image referenced by location instead of inline bytes."""

from __future__ import annotations

from typing import Literal

from ._base import RequestModel

__all__ = ["ImageAssetPointerChunk"]


class ImageAssetPointerChunk(RequestModel):
    """An image stored elsewhere (a path or URL the service can read)."""

    format: Literal["png", "jpeg"]

    location: str
    """Where the service can read the image from."""

    expected_tokens: int | None = None
    """How many tokens the image is expected to occupy; needed for :attr:`length`."""

    type: Literal["image_asset_pointer"] = "image_asset_pointer"

    @property
    def length(self) -> int:
        """Token count of the image; raises ``ValueError`` unless ``expected_tokens`` was given."""
        if self.expected_tokens is None:
            raise ValueError("ImageAssetPointerChunk.length is unknown: set expected_tokens to compute it")
        return self.expected_tokens
