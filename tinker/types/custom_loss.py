"""Server-side custom losses: traced loss graphs and their registration."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from ._base import RequestModel, ResponseModel

__all__ = [
    "CreateCustomLossRequest",
    "CreateCustomLossResponse",
    "CustomLossGraph",
    "CustomLossInput",
    "CustomLossNode",
    "CustomLossNodeOp",
]

_INPUT_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")

CustomLossNodeOp = Literal["placeholder", "get_attr", "call_function", "call_method", "call_module", "output"]


class CustomLossInput(RequestModel):
    """One input of a custom loss: its name and rank (0 scalar, 1 ``[T]``, 2 ``[T, K]``).

    The first input is always ``logprobs``; the others name ``loss_fn_inputs`` keys.
    """

    name: str
    rank: Literal[0, 1, 2]

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _INPUT_NAME.fullmatch(value):
            raise ValueError(f"custom loss input names must match [a-z_][a-z0-9_]{{0,63}}, got {value!r}")
        return value


class CustomLossNode(RequestModel):
    """One node of a traced loss graph (execution order).

    ``args``/``kwargs`` use JSON scalars and lists as themselves and one-key objects for the rest:
    ``{"ref": node}``, ``{"tuple": [...]}``, ``{"dict": {...}}``, ``{"slice": [a, b, c]}``,
    ``{"ellipsis": true}``, ``{"float": "inf"|"-inf"|"nan"}``, ``{"dtype": ...}``, ``{"device": ...}``,
    ``{"layout": ...}``, ``{"memory_format": ...}``.
    """

    op: CustomLossNodeOp
    name: str
    target: str
    args: list[Any] = Field(default_factory=list)
    kwargs: dict[str, Any] = Field(default_factory=dict)


class CustomLossGraph(RequestModel):
    """A traced loss: nodes in execution order; the output node returns ``(loss, metrics)``."""

    format: Literal[1] = 1
    nodes: list[CustomLossNode]


class CreateCustomLossRequest(RequestModel):
    """Body of ``POST /api/v1/create_custom_loss``."""

    session_id: str
    custom_loss_seq_id: int
    name: str
    inputs: list[CustomLossInput] = Field(max_length=16)
    graph: CustomLossGraph
    type: Literal["create_custom_loss"] = "create_custom_loss"


class CreateCustomLossResponse(ResponseModel):
    """Result of ``create_custom_loss``: the id to pass as ``loss_fn_config={"loss_id": ...}``."""

    loss_id: str
    type: Literal["create_custom_loss"] = "create_custom_loss"
