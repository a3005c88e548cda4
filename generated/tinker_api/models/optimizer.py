"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel, StrictBase

__all__ = ["AdamParams", "OptimizerConfig"]


class OptimizerConfig(BaseModel):
    """The optimizer family, fixed at model creation: `{"type": "adamw"}` or `{"type": "dimuon", "version": 1}`."""

    type: str
    version: int | None = None


class AdamParams(StrictBase):
    learning_rate: float = 0.0001
    beta1: float = 0.9
    beta2: float = 0.95
    eps: float = 1e-12
    weight_decay: float = 0.0
    grad_clip_norm: float = 0.0
