"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar, Literal

from ._base import BaseModel

__all__ = ["SessionTraceExportPollResponse"]


class SessionTraceExportPollResponse(BaseModel):
    """State of a session trace export (``url`` when ready, ``error`` when failed)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["status"])

    status: Literal["pending", "ready", "failed"]
    url: str | None = None
    error: str | None = None
