"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel

__all__ = ["CreateCustomLossResponse"]


class CreateCustomLossResponse(BaseModel):
    loss_id: str
    type: Literal["create_custom_loss"] = "create_custom_loss"
