"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from .custom_loss_graph import CustomLossGraph
from .custom_loss_input import CustomLossInput

__all__ = ["CreateCustomLossRequest"]


class CreateCustomLossRequest(StrictBase):
    """Body of ``POST /api/v1/create_custom_loss``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["custom_loss_seq_id", "graph", "inputs", "name", "session_id"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_custom_loss"}

    session_id: str = Field(min_length=1)
    custom_loss_seq_id: int = Field(ge=0, le=2147483647)
    name: str = Field(min_length=1, max_length=128)
    inputs: list[CustomLossInput] = Field(min_length=1, max_length=16)
    graph: CustomLossGraph
    type: Literal["create_custom_loss"] = "create_custom_loss"
