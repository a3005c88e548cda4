"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.optimizer``."""

from .optimizer import OptimStepResponse

__all__ = ["OptimStepResponse"]
