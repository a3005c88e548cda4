"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["CreateCustomLossResponse"]


class CreateCustomLossResponse(BaseModel):
    """Result of ``create_custom_loss``: the id to pass as ``loss_fn_config={"loss_id": ...}``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["loss_id", "type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_custom_loss"}

    loss_id: str
    type: Literal["create_custom_loss"] = "create_custom_loss"
