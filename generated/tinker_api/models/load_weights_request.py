"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from .optimizer import OptimizerConfig
from .seq_id import SeqId
from .tinker_path import TinkerPath

__all__ = ["LoadWeightsRequest"]


class LoadWeightsRequest(StrictBase):
    """Addressed either by `model_id` (an existing model) or by `session_id` + `model_seq_id` (creates the model)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["optimizer", "path"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "load_weights"}

    model_id: str | None = Field(default=None, min_length=1)
    seq_id: SeqId | None = None
    session_id: str | None = Field(default=None, min_length=1)
    model_seq_id: int | None = Field(default=None, ge=0, le=2147483647)
    base_model: str | None = Field(default=None, min_length=1, max_length=256)
    user_metadata: dict[str, Any] | None = None
    path: TinkerPath
    optimizer: bool
    """Also restore the optimizer state."""
    weights_access_token: str | None = None
    optimizer_config: OptimizerConfig | None = None
    type: Literal["load_weights"] = "load_weights"
