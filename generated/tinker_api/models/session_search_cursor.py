"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from datetime import datetime
from typing import ClassVar

from ._base import BaseModel

__all__ = ["SessionSearchCursor"]


class SessionSearchCursor(BaseModel):
    """Opaque-ish position for the next page of a search."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["last_created_at", "last_session_id"]
    )

    last_created_at: datetime
    last_session_id: str
