"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase

__all__ = ["JoinSamplingSessionRequest"]


class JoinSamplingSessionRequest(StrictBase):
    """Body of ``POST /api/v1/join_sampling_session`` (a restored sampling client asks for a clone id)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["sampling_session_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "join_sampling_session"}

    sampling_session_id: str = Field(min_length=1)
    type: Literal["join_sampling_session"] = "join_sampling_session"
