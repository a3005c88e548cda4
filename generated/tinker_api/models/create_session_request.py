"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from pydantic import Field

from ._base import StrictBase

__all__ = ["CreateSessionRequest"]


class CreateSessionRequest(StrictBase):
    """Body of ``POST /api/v1/create_session``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["sdk_version", "tags"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "create_session"}

    tags: list[str]
    user_metadata: dict[str, Any] | None = None
    sdk_version: str = Field(max_length=64)
    project_id: str | None = Field(default=None, max_length=256)
    display_name: str | None = Field(default=None, max_length=256)
    """Non-unique label, for display and search only."""
    type: Literal["create_session"] = "create_session"
