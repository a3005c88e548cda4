"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.forward_backward_output``."""

from .forward_backward_output import LossFnOutput

__all__ = ["LossFnOutput"]
