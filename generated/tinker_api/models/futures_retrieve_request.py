"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase

__all__ = ["FuturesRetrieveRequest", "SamplingSessionFuturesTarget"]


class SamplingSessionFuturesTarget(StrictBase):
    """Which futures a ``retrieve_futures`` poll watches: those of one sampling-session clone."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["sampling_session_id", "type"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "sampling_session"}

    type: Literal["sampling_session"] = "sampling_session"
    sampling_session_id: str = Field(min_length=1)
    cloned_sampler_id: int = Field(default=0, ge=0)


class FuturesRetrieveRequest(StrictBase):
    """Body of ``POST /api/v1/retrieve_futures`` (session-wide completion long-poll).

    ``timeout`` ``None`` long-polls with the server's default; ``0`` asks for an immediate answer.
    ``retrieved_request_ids`` acknowledges results the client has read.
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["target"])

    target: SamplingSessionFuturesTarget
    prev_cursor: int = Field(default=0, ge=0)
    timeout: float | None = Field(default=None, ge=0, le=60)
    retrieved_request_ids: list[str] = Field(default=[], validate_default=True)
