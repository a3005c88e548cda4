"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["CreateSessionResponse"]


class CreateSessionResponse(BaseModel):
    """Result of ``create_session``; the messages are meant to be logged at their levels."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["session_id"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_session"}

    session_id: str
    info_message: str | None = None
    warning_message: str | None = None
    error_message: str | None = None
    type: Literal["create_session"] = "create_session"
