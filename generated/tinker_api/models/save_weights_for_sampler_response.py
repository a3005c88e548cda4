"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel
from ._mixins.save_weights_for_sampler_response import (
    SaveWeightsForSamplerResponseMixin,
)

__all__ = ["SaveWeightsForSamplerResponse", "SaveWeightsForSamplerResponseInternal"]


class SaveWeightsForSamplerResponseInternal(BaseModel):
    """What the future of `save_weights_for_sampler` returns (named save: path; ephemeral save: session id)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights_for_sampler"}

    path: str | None = None
    sampling_session_id: str | None = None
    type: Literal["save_weights_for_sampler"] = "save_weights_for_sampler"


class SaveWeightsForSamplerResponse(SaveWeightsForSamplerResponseMixin, BaseModel):
    """The result of a named sampler save, as the SDK returns it: `path` is `tinker://<run>/sampler_weights/<name>`."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["path"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "save_weights_for_sampler"}

    path: str
    type: Literal["save_weights_for_sampler"] = "save_weights_for_sampler"
