"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["HealthResponse"]


class HealthResponse(BaseModel):
    """Result of ``GET /api/v1/healthz``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["status"])

    status: str
