"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar

from ._base import BaseModel

__all__ = ["ApiKeyInfoResponse"]


class ApiKeyInfoResponse(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["key_id", "name"])

    key_id: int
    name: str
    note: str | None = None
    details: dict[str, Any] | None = None
