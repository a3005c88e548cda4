"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar

from ._base import BaseModel

__all__ = ["ValidationErrorItem"]


class ValidationErrorItem(BaseModel):
    """One entry of FastAPI's list-shaped 422 `detail` (sent by Tinker-compatible servers built on it)."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["loc", "msg", "type"])

    loc: list[str | int]
    msg: str
    type: str
    input: Any | None = None
    """The offending value, when the server reports it."""
    ctx: dict[str, Any] | None = None
