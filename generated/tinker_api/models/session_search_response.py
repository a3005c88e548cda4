"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .session_search_cursor import SessionSearchCursor
from .session_summary import SessionSummary

__all__ = ["SessionSearchResponse"]


class SessionSearchResponse(BaseModel):
    """A page of search hits; ``next_cursor`` is ``None`` when exhausted."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["sessions"])

    sessions: list[SessionSummary]
    next_cursor: SessionSearchCursor | None = None
