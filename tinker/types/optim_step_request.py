"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.optimizer``."""

from .optimizer import OptimStepRequest

__all__ = ["OptimStepRequest"]
