"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .checkpoint import Checkpoint
from .cursor import Cursor

__all__ = ["CheckpointsListResponse"]


class CheckpointsListResponse(BaseModel):
    """A page of checkpoints (``cursor`` is ``None`` for the per-run listing)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["checkpoints"])

    checkpoints: list[Checkpoint]
    cursor: Cursor | None = None
