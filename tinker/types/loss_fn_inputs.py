"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.datum``."""

from .datum import LossFnInputs

__all__ = ["LossFnInputs"]
