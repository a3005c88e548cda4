"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import ClassVar

from ._base import BaseModel
from .session_status import SessionStatus
from .user_metadata import UserMetadata

__all__ = ["SessionSummary"]


class SessionSummary(BaseModel):
    """One search hit."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["checkpoints_count", "created_at", "owner", "project_id", "session_id"]
    )

    session_id: str
    created_at: datetime
    owner: str
    project_id: str
    status: SessionStatus | None = None
    checkpoints_count: int
    display_name: str | None = None
    user_metadata: UserMetadata | None = None
    checkpoint_storage_bytes: int | None = None
