"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel

__all__ = ["SessionTraceExportPollResponse"]


class SessionTraceExportPollResponse(BaseModel):
    """State of a session trace export (``url`` when ready, ``error`` when failed)."""

    status: Literal["pending", "ready", "failed"]
    url: str | None = None
    error: str | None = None
