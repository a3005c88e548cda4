"""Behaviour of `EncodedTextChunk`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import field_validator


class EncodedTextChunkMixin:
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        tokens: list[int]

    @field_validator("tokens", mode="before")
    @classmethod
    def _tokens_as_list(cls, value: Any) -> Any:
        """numpy arrays, torch tensors, ranges and other iterables of ints are accepted as token lists."""
        if isinstance(value, list):
            return value
        tolist = getattr(value, "tolist", None)
        if callable(tolist):
            return tolist()
        if isinstance(value, (str, bytes)):
            return value  # refused by the list[int] check with a clear message
        try:
            return list(value)
        except TypeError:
            return value

    @property
    def length(self) -> int:
        """Number of tokens."""
        return len(self.tokens)
