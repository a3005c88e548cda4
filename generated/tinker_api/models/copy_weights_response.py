"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel

__all__ = ["CopyWeightsResponse"]


class CopyWeightsResponse(BaseModel):
    """Result of ``copy_weights``: the new checkpoint's path."""

    tinker_path: str
