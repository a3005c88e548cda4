"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase

__all__ = ["DmelChunk"]


class DmelChunk(StrictBase):
    dmel: str
    """A serialized TensorContainer of DMel audio tokens"""
    type: Literal["dmel"] = "dmel"
