"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.sample_response``."""

from .sample_response import PromptAltTokens

__all__ = ["PromptAltTokens"]
