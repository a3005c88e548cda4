"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import ClassVar

from ._base import BaseModel
from .session_status import ClientSessionFinishReason

__all__ = ["FinishSessionResponse"]


class FinishSessionResponse(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset([])

    session_id: str | None = None
    reason: ClientSessionFinishReason | None = None
