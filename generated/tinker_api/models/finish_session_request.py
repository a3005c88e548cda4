"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from pydantic import Field

from ._base import StrictBase
from .session_status import ClientSessionFinishReason

__all__ = ["FinishSessionRequest"]


class FinishSessionRequest(StrictBase):
    """Body of ``POST /api/v1/sessions/{id}/finish``; ``detail`` is sent even when ``null``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["reason"])
    _required_nullable: ClassVar[frozenset[str]] = frozenset(["detail"])

    reason: ClientSessionFinishReason
    detail: str | None = Field(default=None, max_length=10000)
