"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel
from .request_error_category import RequestErrorCategory

__all__ = ["SampleStreamError"]


class SampleStreamError(BaseModel):
    error: str
    category: RequestErrorCategory
