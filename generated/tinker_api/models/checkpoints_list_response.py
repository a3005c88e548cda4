"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel
from .checkpoint import Checkpoint
from .cursor import Cursor

__all__ = ["CheckpointsListResponse"]


class CheckpointsListResponse(BaseModel):
    checkpoints: list[Checkpoint]
    cursor: Cursor | None = None
