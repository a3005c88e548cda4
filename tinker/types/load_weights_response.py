"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.checkpoints``."""

from .checkpoints import LoadWeightsResponse

__all__ = ["LoadWeightsResponse"]
