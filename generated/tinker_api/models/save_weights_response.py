"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel
from ._mixins.save_weights_response import SaveWeightsResponseMixin

__all__ = ["SaveWeightsResponse"]


class SaveWeightsResponse(SaveWeightsResponseMixin, BaseModel):
    """Result of ``save_weights``: ``path`` is ``tinker://<run>/weights/<name>``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["path", "type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights"}

    path: str
    """`tinker://<run>/weights/<name>`"""
    type: Literal["save_weights"] = "save_weights"
