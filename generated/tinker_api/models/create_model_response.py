"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["CreateModelResponse"]


class CreateModelResponse(BaseModel):
    """Result of ``create_model``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_id", "type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_model"}

    model_id: str
    type: Literal["create_model"] = "create_model"
