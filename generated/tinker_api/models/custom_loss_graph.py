"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal, TypeAlias

from pydantic import Field

from ._base import StrictBase

__all__ = ["CustomLossGraph", "CustomLossNode", "CustomLossNodeOp"]


class CustomLossNode(StrictBase):
    """One node of a traced loss graph (execution order).

    ``args``/``kwargs`` use JSON scalars and lists as themselves and one-key objects for the rest:
    ``{"ref": node}``, ``{"tuple": [...]}``, ``{"dict": {...}}``, ``{"slice": [a, b, c]}``,
    ``{"ellipsis": true}``, ``{"float": "inf"|"-inf"|"nan"}``, ``{"dtype": ...}``, ``{"device": ...}``,
    ``{"layout": ...}``, ``{"memory_format": ...}``.
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["name", "op", "target"])

    op: "CustomLossNodeOp"
    name: str
    target: str
    args: list[Any] = Field(default=[], validate_default=True)
    kwargs: dict[str, Any] = Field(default={}, validate_default=True)


CustomLossNodeOp: TypeAlias = Literal[
    "placeholder", "get_attr", "call_function", "call_method", "call_module", "output"
]


class CustomLossGraph(StrictBase):
    """A traced loss: nodes in execution order; the output node returns ``(loss, metrics)``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["format", "nodes"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"format": 1}

    format: Literal[1] = 1
    nodes: list[CustomLossNode]
