"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.service``."""

from .service import GetServerCapabilitiesResponse, SupportedModel

__all__ = ["GetServerCapabilitiesResponse", "SupportedModel"]
