"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel

__all__ = ["JoinSamplingSessionResponse"]


class JoinSamplingSessionResponse(BaseModel):
    """The clone id allocated within the sampling session (the original client is 0)."""

    client_counter: int
    type: Literal["join_sampling_session"] = "join_sampling_session"
