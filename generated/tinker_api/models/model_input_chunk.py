"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Annotated, TypeAlias

from pydantic import Discriminator, Tag

from ._base import discriminate
from .dmel_chunk import DmelChunk
from .encoded_text_chunk import EncodedTextChunk
from .image_asset_pointer_chunk import ImageAssetPointerChunk
from .image_chunk import ImageChunk

__all__ = ["ModelInputChunk"]


ModelInputChunk: TypeAlias = Annotated[
    Annotated[EncodedTextChunk, Tag("encoded_text")]
    | Annotated[ImageChunk, Tag("image")]
    | Annotated[ImageAssetPointerChunk, Tag("image_asset_pointer")]
    | Annotated[DmelChunk, Tag("dmel")],
    Discriminator(
        discriminate(
            "type",
            (
                ("encoded_text", ("tokens",)),
                ("image", ("data", "format")),
                ("image_asset_pointer", ("format", "location")),
                ("dmel", ("dmel",)),
            ),
        )
    ),
]
"""One chunk of model input. Old clients omit `type`; the required fields tell the variants apart."""
