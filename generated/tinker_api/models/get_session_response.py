"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .user_metadata import UserMetadata

__all__ = ["GetSessionResponse"]


class GetSessionResponse(BaseModel):
    """Result of ``GET /api/v1/sessions/{id}``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["sampler_ids", "training_run_ids"]
    )

    training_run_ids: list[str]
    sampler_ids: list[str]
    user_metadata: UserMetadata | None = None
    display_name: str | None = None
