"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel
from .ttl_seconds import TtlSeconds

__all__ = ["TtlUpdateRequest"]


class TtlUpdateRequest(BaseModel):
    ttl_seconds: TtlSeconds | None
    """Seconds from now, or null to remove the expiry."""
