"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.training``."""

from .training import LoraConfig

__all__ = ["LoraConfig"]
