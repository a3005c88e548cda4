"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["UnloadModelResponse"]


class UnloadModelResponse(BaseModel):
    """Result of ``unload_model``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_id", "type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "unload_model"}

    model_id: str
    type: Literal["unload_model"] = "unload_model"
