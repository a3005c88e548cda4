"""`ModelInput`: the token sequence given to the model, as a list of chunks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._base import RequestModel
from .encoded_text_chunk import EncodedTextChunk
from .model_input_chunk import CHUNK_TYPES, ModelInputChunk

__all__ = ["ModelInput"]


class ModelInput(RequestModel):
    """A model input made of chunks (text tokens, images, audio), concatenated in order.

    Instances are immutable: :meth:`append` and :meth:`append_int` return new inputs.
    """

    chunks: list[ModelInputChunk]
    """The chunks, in order."""

    @classmethod
    def from_ints(cls, tokens: Iterable[int]) -> ModelInput:
        """An input holding one text chunk with the given token ids."""
        return cls(chunks=[EncodedTextChunk(tokens=tokens if isinstance(tokens, list) else list(tokens))])

    @classmethod
    def empty(cls) -> ModelInput:
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

    def append(self, chunk: ModelInputChunk | dict[str, Any]) -> ModelInput:
        """A new input with ``chunk`` added at the end."""
        if not isinstance(chunk, CHUNK_TYPES):
            chunk = ModelInput.model_validate({"chunks": [chunk]}).chunks[0]  # validates a dict
        return self.model_copy(update={"chunks": [*self.chunks, chunk]})

    def append_int(self, token: int) -> ModelInput:
        """A new input with a one-token text chunk holding ``token`` added at the end."""
        return self.append(EncodedTextChunk(tokens=[int(token)]))
