"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import ClassVar

from ._base import BaseModel
from .request_error_category import RequestErrorCategory

__all__ = ["ErrorResponse"]


class ErrorResponse(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["detail"])

    detail: str
    """What went wrong, naming the field and the fix."""
    category: RequestErrorCategory | None = None
