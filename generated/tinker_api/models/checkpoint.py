"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, TypeAlias

from ._base import BaseModel
from .user_metadata import UserMetadata

__all__ = ["Checkpoint", "CheckpointType"]


CheckpointType: TypeAlias = Literal["training", "sampler", "external"]


class Checkpoint(BaseModel):
    checkpoint_id: str
    """`<kind>/<name>`, e.g. `weights/0001`."""
    checkpoint_type: CheckpointType
    time: datetime
    tinker_path: str
    size_bytes: int | None = None
    public: bool = False
    expires_at: datetime | None = None
    training_run_id: str | None = None
    user_metadata: UserMetadata | None = None
