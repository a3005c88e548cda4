"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["JoinSamplingSessionResponse"]


class JoinSamplingSessionResponse(BaseModel):
    """The clone id allocated within the sampling session (the original client is 0)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["client_counter"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "join_sampling_session"}

    client_counter: int
    type: Literal["join_sampling_session"] = "join_sampling_session"
