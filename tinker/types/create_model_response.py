"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.training``."""

from .training import CreateModelResponse

__all__ = ["CreateModelResponse"]
