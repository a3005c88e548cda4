"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["ListSessionsResponse"]


class ListSessionsResponse(BaseModel):
    """Result of ``GET /api/v1/sessions``: session ids."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["sessions"])

    sessions: list[str]
