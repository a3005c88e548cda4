"""A run of already-tokenized text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import field_validator

from ._base import RequestModel

__all__ = ["EncodedTextChunk"]


class EncodedTextChunk(RequestModel):
    """Token ids of a piece of text; its length is the number of tokens."""

    tokens: Sequence[int]
    """Token ids, in order."""

    type: Literal["encoded_text"] = "encoded_text"

    @field_validator("tokens", mode="before")
    @classmethod
    def _tokens_as_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            return value
        tolist = getattr(value, "tolist", None)  # numpy arrays / torch tensors
        if callable(tolist):
            return tolist()
        if isinstance(value, (str, bytes)):
            return value
        try:
            return list(value)
        except TypeError:
            return value

    @property
    def length(self) -> int:
        """Number of tokens."""
        return len(self.tokens)
