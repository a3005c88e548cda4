"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel
from ._mixins.save_weights_external_response import SaveWeightsExternalResponseMixin

__all__ = ["SaveWeightsExternalResponse", "SaveWeightsExternalResponseInternal"]


class SaveWeightsExternalResponseInternal(BaseModel):
    """What the future of `save_weights_external` returns."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights_external"}

    path: str | None = None
    size_bytes: int | None = None
    type: Literal["save_weights_external"] = "save_weights_external"


class SaveWeightsExternalResponse(SaveWeightsExternalResponseMixin, BaseModel):
    """The result of an external export, as the SDK returns it: `path` is `tinker://<run>/external_weights/<name>`."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["path"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights_external"}

    path: str
    type: Literal["save_weights_external"] = "save_weights_external"
