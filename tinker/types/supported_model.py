"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.service``."""

from .service import SupportedModel

__all__ = ["SupportedModel"]
