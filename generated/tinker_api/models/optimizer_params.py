"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel

__all__ = ["OptimizerParams"]


class OptimizerParams(BaseModel):
    """Parameters of a non-Adam optimizer family, e.g. `{"type": "dimuon", "learning_rate": 0.02}`."""

    type: str
    learning_rate: float | None = None
    grad_clip_norm: float | None = None
    beta1: float | None = None
