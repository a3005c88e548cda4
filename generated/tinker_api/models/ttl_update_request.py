"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .ttl_seconds import TtlSeconds

__all__ = ["TtlUpdateRequest"]


class TtlUpdateRequest(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["ttl_seconds"])
    _required_nullable: ClassVar[frozenset[str]] = frozenset(["ttl_seconds"])

    ttl_seconds: TtlSeconds | None
    """Seconds from now, or null to remove the expiry."""
