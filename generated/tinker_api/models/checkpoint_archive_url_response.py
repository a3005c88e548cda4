"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from datetime import datetime

from ._base import BaseModel

__all__ = ["CheckpointArchiveUrlResponse"]


class CheckpointArchiveUrlResponse(BaseModel):
    url: str
    expires: datetime
