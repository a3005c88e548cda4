"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal, TypeAlias

from ._base import StrictBase
from ._mixins.custom_loss_input import CustomLossInputMixin

__all__ = ["CustomLossInput", "CustomLossInputRank"]


class CustomLossInput(CustomLossInputMixin, StrictBase):
    name: str
    rank: CustomLossInputRank


CustomLossInputRank: TypeAlias = Literal[0, 1, 2]
