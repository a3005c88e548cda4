"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase

__all__ = ["UnloadModelRequest"]


class UnloadModelRequest(StrictBase):
    """Body of ``POST /api/v1/unload_model``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "unload_model"}

    model_id: str = Field(min_length=1)
    type: Literal["unload_model"] = "unload_model"
