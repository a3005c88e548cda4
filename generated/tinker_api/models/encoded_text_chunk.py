"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import StrictBase
from ._mixins.encoded_text_chunk import EncodedTextChunkMixin

__all__ = ["EncodedTextChunk"]


class EncodedTextChunk(EncodedTextChunkMixin, StrictBase):
    """Token ids of a piece of text; its length is the number of tokens."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["tokens"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "encoded_text"}

    tokens: list[int]
    """Token ids, in order."""
    type: Literal["encoded_text"] = "encoded_text"
