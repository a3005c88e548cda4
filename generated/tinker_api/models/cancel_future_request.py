"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import StrictBase

__all__ = ["CancelFutureRequest"]


class CancelFutureRequest(StrictBase):
    request_id: str
