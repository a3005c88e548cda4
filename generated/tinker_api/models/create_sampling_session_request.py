"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase
from .tinker_path import TinkerPath

__all__ = ["CreateSamplingSessionRequest"]


class CreateSamplingSessionRequest(StrictBase):
    """Either `base_model` or `model_path` (a sampler checkpoint)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["sampling_session_seq_id", "session_id"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_sampling_session"}

    session_id: str = Field(min_length=1)
    sampling_session_seq_id: int = Field(ge=0, le=2147483647)
    base_model: str | None = Field(default=None, min_length=1, max_length=256)
    model_path: TinkerPath | None = None
    type: Literal["create_sampling_session"] = "create_sampling_session"
