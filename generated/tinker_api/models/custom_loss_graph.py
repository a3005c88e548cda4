"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

from ._base import StrictBase

__all__ = ["CustomLossGraph", "CustomLossNode", "CustomLossNodeOp"]


class CustomLossNode(StrictBase):
    op: CustomLossNodeOp
    name: str
    target: str
    args: list[Any] | None = None
    kwargs: dict[str, Any] | None = None


CustomLossNodeOp: TypeAlias = Literal[
    "placeholder", "get_attr", "call_function", "call_method", "call_module", "output"
]


class CustomLossGraph(StrictBase):
    format: Literal[1] = 1
    nodes: list[CustomLossNode]
