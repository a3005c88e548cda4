"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase

__all__ = ["GetInfoRequest"]


class GetInfoRequest(StrictBase):
    """Body of ``POST /api/v1/get_info``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["model_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "get_info"}

    model_id: str = Field(min_length=1)
    type: Literal["get_info"] = "get_info"
