"""The union of every chunk kind a :class:`~tinker.types.ModelInput` may hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Discriminator, Tag

from .dmel_chunk import DmelChunk
from .encoded_text_chunk import EncodedTextChunk
from .image_asset_pointer_chunk import ImageAssetPointerChunk
from .image_chunk import ImageChunk

__all__ = ["ModelInputChunk"]

CHUNK_TYPES: tuple[type, ...] = (EncodedTextChunk, ImageChunk, ImageAssetPointerChunk, DmelChunk)


def _chunk_tag(value: Any) -> str | None:
    """Pick the union arm: by ``type`` when present, else by the fields (0.7 clients omit ``type``)."""
    if isinstance(value, Mapping):
        tag = value.get("type")
        if tag is not None:
            return str(tag)
        if "tokens" in value:
            return "encoded_text"
        if "dmel" in value:
            return "dmel"
        if "location" in value:
            return "image_asset_pointer"
        if "data" in value:
            return "image"
        return None
    return getattr(value, "type", None)


ModelInputChunk = Annotated[
    Annotated[EncodedTextChunk, Tag("encoded_text")]
    | Annotated[ImageChunk, Tag("image")]
    | Annotated[ImageAssetPointerChunk, Tag("image_asset_pointer")]
    | Annotated[DmelChunk, Tag("dmel")],
    Discriminator(_chunk_tag),
]
"""One piece of a model input, told apart by its ``type`` field."""
