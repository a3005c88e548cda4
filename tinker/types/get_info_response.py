"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.training``."""

from .training import GetInfoResponse, ModelData

__all__ = ["GetInfoResponse", "ModelData"]
