"""Behaviour of `ModelInput`: building from token ids, lengths, appending (inputs are immutable)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from ..dmel_chunk import DmelChunk
from ..encoded_text_chunk import EncodedTextChunk
from ..image_asset_pointer_chunk import ImageAssetPointerChunk
from ..image_chunk import ImageChunk
from ._typing import ModelBase

CHUNK_TYPES = (EncodedTextChunk, ImageChunk, ImageAssetPointerChunk, DmelChunk)


class ModelInputMixin(ModelBase):
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        chunks: list[Any]

    @classmethod
    def from_ints(cls, tokens: Iterable[int]) -> Self:
        """An input holding one text chunk with the given token ids."""
        return cls(
            chunks=[
                EncodedTextChunk(
                    tokens=tokens if isinstance(tokens, list) else list(tokens)
                )
            ]
        )

    @classmethod
    def empty(cls) -> Self:
        """An input with no chunks (length 0)."""
        return cls(chunks=[])

    def to_ints(self) -> list[int]:
        """All token ids, in order; raises ``ValueError`` if any chunk is not text."""
        out: list[int] = []
        for chunk in self.chunks:
            if not isinstance(chunk, EncodedTextChunk):
                raise ValueError(  # noqa: TRY004 - the official SDK raises ValueError here
                    f"ModelInput.to_ints() only works for text chunks, found a {type(chunk).__name__}"
                )
            out.extend(chunk.tokens)
        return out

    @property
    def length(self) -> int:
        """Total number of positions (sum of the chunk lengths)."""
        return sum(chunk.length for chunk in self.chunks)

    def append(self, chunk: Any) -> Self:
        """A new input with ``chunk`` (a chunk or its dict form) added at the end."""
        if not isinstance(chunk, CHUNK_TYPES):
            chunk = type(self).model_validate({"chunks": [chunk]}).chunks[0]
        return self.model_copy(update={"chunks": [*self.chunks, chunk]})

    def append_int(self, token: int) -> Self:
        """A new input with a one-token text chunk holding ``token`` added at the end."""
        return self.append(EncodedTextChunk(tokens=[token]))
