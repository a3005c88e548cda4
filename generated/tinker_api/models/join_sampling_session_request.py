"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase

__all__ = ["JoinSamplingSessionRequest"]


class JoinSamplingSessionRequest(StrictBase):
    sampling_session_id: str
    type: Literal["join_sampling_session"] = "join_sampling_session"
