"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from pydantic import Field

from ._base import StrictBase

__all__ = ["CancelFutureRequest"]


class CancelFutureRequest(StrictBase):
    """Body of ``POST /api/v1/cancel_future``."""

    request_id: str = Field(min_length=1)
