"""A chunk of DMel (discretized mel-spectrogram audio) tokens."""

from __future__ import annotations

from typing import Literal

from ._base import Base64Bytes, RequestModel
from ._tensor_container import parse_tensor_container_shape

__all__ = ["DmelChunk"]


class DmelChunk(RequestModel):
    """Audio tokens as a serialized TensorContainer (base64 text in JSON, passed through opaquely)."""

    dmel: Base64Bytes
    """Serialized TensorContainer bytes; dimension 0 of the tensor is the number of positions."""

    type: Literal["dmel"] = "dmel"

    @property
    def length(self) -> int:
        """Number of positions: dimension 0 of the serialized tensor, read from its header."""
        shape = parse_tensor_container_shape(self.dmel)
        if not shape:
            raise ValueError("DmelChunk holds a 0-dimensional tensor, which has no length")
        return shape[0]
