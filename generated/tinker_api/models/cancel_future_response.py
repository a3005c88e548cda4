"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import ClassVar

from ._base import BaseModel

__all__ = ["CancelFutureResponse"]


class CancelFutureResponse(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset([])

    cancelled: bool | None = None
