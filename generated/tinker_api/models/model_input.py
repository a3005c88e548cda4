"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import StrictBase
from .model_input_chunk import ModelInputChunk

__all__ = ["ModelInput"]


class ModelInput(StrictBase):
    chunks: list[ModelInputChunk]
