"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.optimizer``."""

from .optimizer import AdamParams

__all__ = ["AdamParams"]
