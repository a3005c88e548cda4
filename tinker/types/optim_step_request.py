"""Public path of `OptimStepRequest` (defined with the optimizer types in ``tinker.types.optimizer``)."""

from .optimizer import AdamParams, OptimStepRequest

__all__ = ["AdamParams", "OptimStepRequest"]
