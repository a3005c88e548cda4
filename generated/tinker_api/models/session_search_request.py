"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from pydantic import Field

from ._base import StrictBase
from .search_owner import SearchOwner
from .session_search_cursor import SessionSearchCursor
from .session_status_query import SessionStatusQuery
from .user_metadata import UserMetadata

__all__ = ["SessionSearchRequest"]


class SessionSearchRequest(StrictBase):
    """Search filters; all given filters must match. Results come newest first."""

    session_id: str | None = None
    """Exact session id (OR-ed with ``display_name``)."""
    project_ids: list[str] | None = None
    user_metadata: UserMetadata = Field(default={}, validate_default=True)
    """Every pair must match."""
    display_name: str | None = None
    """Case-insensitive; every word must appear."""
    owner: SearchOwner = Field(default={"type": "own"}, validate_default=True)
    statuses: list[SessionStatusQuery] | None = Field(default=None, min_length=1)
    limit: int = Field(default=50, ge=1, le=200)
    cursor: SessionSearchCursor | None = None
