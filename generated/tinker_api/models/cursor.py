"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["Cursor"]


class Cursor(BaseModel):
    """Offset/limit page position; another page exists while ``offset + limit < total_count``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["limit", "offset", "total_count"]
    )

    offset: int
    limit: int
    total_count: int
