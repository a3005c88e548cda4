"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import StrictBase
from ._mixins.model_input import ModelInputMixin
from .model_input_chunk import ModelInputChunk

__all__ = ["ModelInput"]


class ModelInput(ModelInputMixin, StrictBase):
    """A model input made of chunks (text tokens, images, audio), concatenated in order.

    Instances are immutable: :meth:`append` and :meth:`append_int` return new inputs.
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["chunks"])

    chunks: list[ModelInputChunk]
    """The chunks, in order."""
