"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase
from .custom_loss_graph import CustomLossGraph
from .custom_loss_input import CustomLossInput

__all__ = ["CreateCustomLossRequest"]


class CreateCustomLossRequest(StrictBase):
    session_id: str
    custom_loss_seq_id: int
    name: str
    inputs: list[CustomLossInput]
    graph: CustomLossGraph
    type: Literal["create_custom_loss"] = "create_custom_loss"
