"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import Base64Bytes, StrictBase
from ._mixins.dmel_chunk import DmelChunkMixin

__all__ = ["DmelChunk"]


class DmelChunk(DmelChunkMixin, StrictBase):
    """Audio tokens as a serialized TensorContainer (base64 text in JSON, passed through opaquely)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["dmel"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "dmel"}

    dmel: Base64Bytes
    """A serialized TensorContainer of DMel audio tokens, base64."""
    type: Literal["dmel"] = "dmel"
