"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase
from .optimizer import AdamParams
from .optimizer_params import OptimizerParams
from .seq_id import SeqId

__all__ = ["OptimStepRequest"]


class OptimStepRequest(StrictBase):
    """Exactly one of `adam_params` and `optimizer_params`."""

    adam_params: AdamParams | None = None
    optimizer_params: OptimizerParams | None = None
    model_id: str
    seq_id: SeqId | None = None
    type: Literal["optim_step"] = "optim_step"
