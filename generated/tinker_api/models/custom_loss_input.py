"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar, Literal, TypeAlias

from pydantic import Field

from ._base import StrictBase
from ._mixins.custom_loss_input import CustomLossInputMixin

__all__ = ["CustomLossInput", "CustomLossInputRank"]


class CustomLossInput(CustomLossInputMixin, StrictBase):
    """One input of a custom loss: its name and rank (0 scalar, 1 ``[T]``, 2 ``[T, K]``).

    The first input is always ``logprobs``; the others name ``loss_fn_inputs`` keys.
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["name", "rank"])

    name: str = Field(pattern="^[a-z_][a-z0-9_]{0,63}$")
    rank: "CustomLossInputRank"


CustomLossInputRank: TypeAlias = Literal[0, 1, 2]
