"""Behaviour of `DmelChunk`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tinker_wire._tensor_container import parse_tensor_container_shape

from .._base import decode_base64, encode_base64


class DmelChunkMixin:
    if TYPE_CHECKING:  # fields of the generated model this is mixed into
        dmel: bytes

    @classmethod
    def validate_dmel(cls, value: Any) -> bytes:
        """The TensorContainer bytes from their JSON form (standard base64 text) or from bytes."""
        decoded = decode_base64(value)
        if not isinstance(decoded, bytes):
            raise TypeError(
                f"expected base64 text or bytes, got {type(value).__name__}"
            )
        return decoded

    def serialize_dmel(self, value: bytes) -> str:
        """The JSON form of the TensorContainer bytes: standard base64 text."""
        return encode_base64(value)

    @property
    def length(self) -> int:
        """Number of positions: dimension 0 of the serialized tensor, read from its header."""
        shape = parse_tensor_container_shape(self.dmel)
        if not shape:
            raise ValueError(
                "DmelChunk holds a 0-dimensional tensor, which has no length"
            )
        return shape[0]
