"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["FutureCompleteMetadata"]


class FutureCompleteMetadata(BaseModel):
    """Poll reply: done, but the payload is too large to inline; re-poll without ``allow_metadata_only``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["response_payload_size", "status"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"status": "complete_metadata"}

    status: Literal["complete_metadata"] = "complete_metadata"
    response_payload_size: int
