"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase
from .tinker_path import TinkerPath

__all__ = ["CreateSamplingSessionRequest"]


class CreateSamplingSessionRequest(StrictBase):
    """Either `base_model` or `model_path` (a sampler checkpoint)."""

    session_id: str
    sampling_session_seq_id: int
    base_model: str | None = None
    model_path: TinkerPath | None = None
    type: Literal["create_sampling_session"] = "create_sampling_session"
