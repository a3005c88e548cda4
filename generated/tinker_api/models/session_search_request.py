"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from pydantic import Field

from ._base import StrictBase
from .search_owner import SearchOwner
from .session_search_cursor import SessionSearchCursor
from .session_status_query import SessionStatusQuery
from .user_metadata import UserMetadata

__all__ = ["SessionSearchRequest"]


class SessionSearchRequest(StrictBase):
    session_id: str | None = None
    project_ids: list[str] | None = None
    user_metadata: UserMetadata = Field(default={}, validate_default=True)
    display_name: str | None = None
    owner: SearchOwner = Field(default={"type": "own"}, validate_default=True)
    statuses: list[SessionStatusQuery] | None = None
    limit: int = 50
    cursor: SessionSearchCursor | None = None
