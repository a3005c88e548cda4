"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import StrictBase

__all__ = ["FutureRetrieveRequest"]


class FutureRetrieveRequest(StrictBase):
    request_id: str
    allow_metadata_only: bool = False
