"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["LoadWeightsResponse"]


class LoadWeightsResponse(BaseModel):
    """Result of ``load_weights``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "load_weights"}

    path: str | None = None
    model_id: str | None = None
    type: Literal["load_weights"] = "load_weights"
