"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from pydantic import Field

from ._base import StrictBase

__all__ = ["FutureRetrieveRequest"]


class FutureRetrieveRequest(StrictBase):
    """Body of ``POST /api/v1/retrieve_future``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["request_id"])

    request_id: str = Field(min_length=1)
    allow_metadata_only: bool = False
    """Let the server answer with only the payload size when the result is large."""
