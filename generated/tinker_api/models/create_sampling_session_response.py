"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["CreateSamplingSessionResponse"]


class CreateSamplingSessionResponse(BaseModel):
    """Result of ``create_sampling_session``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["sampling_session_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_sampling_session"}

    sampling_session_id: str
    type: Literal["create_sampling_session"] = "create_sampling_session"
