"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from pydantic import Field

from ._base import StrictBase
from .tinker_path import TinkerPath
from .ttl_seconds import TtlSeconds

__all__ = ["CopyWeightsRequest"]


class CopyWeightsRequest(StrictBase):
    """Body of ``POST /api/v1/copy_weights``: copy a checkpoint into another project (or session)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["source_path"])

    source_path: TinkerPath
    destination_project_id: str | None = Field(default=None, min_length=1)
    session_id: str | None = Field(default=None, min_length=1)
    model_seq_id: int | None = Field(default=None, ge=0)
    ttl_seconds: TtlSeconds | None = None
    weights_access_token: str | None = None
