"""Behaviour of `ImageChunk`."""

from __future__ import annotations

from typing import Any

from .._base import decode_base64, encode_base64
from ._expected_tokens import ExpectedTokensLength


class ImageChunkMixin(ExpectedTokensLength):
    @classmethod
    def validate_data(cls, value: Any) -> bytes:
        """The image bytes from their JSON form (standard base64 text) or from bytes."""
        decoded = decode_base64(value)
        if not isinstance(decoded, bytes):
            raise TypeError(
                f"expected base64 text or bytes, got {type(value).__name__}"
            )
        return decoded

    def serialize_data(self, value: bytes) -> str:
        """The JSON form of the image bytes: standard base64 text."""
        return encode_base64(value)
