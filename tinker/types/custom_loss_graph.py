"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.custom_loss``."""

from .custom_loss import CustomLossGraph, CustomLossNode

__all__ = ["CustomLossGraph", "CustomLossNode"]
