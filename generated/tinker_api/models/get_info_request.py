"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import StrictBase

__all__ = ["GetInfoRequest"]


class GetInfoRequest(StrictBase):
    model_id: str
    type: Literal["get_info"] = "get_info"
