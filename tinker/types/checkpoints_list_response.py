"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.checkpoints``."""

from .checkpoints import CheckpointsListResponse

__all__ = ["CheckpointsListResponse"]
