"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import StrictBase
from .tinker_path import TinkerPath
from .ttl_seconds import TtlSeconds

__all__ = ["CopyWeightsRequest"]


class CopyWeightsRequest(StrictBase):
    source_path: TinkerPath
    destination_project_id: str | None = None
    session_id: str | None = None
    model_seq_id: int | None = None
    ttl_seconds: TtlSeconds | None = None
    weights_access_token: str | None = None
