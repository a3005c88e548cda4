"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .request_error_category import RequestErrorCategory

__all__ = ["SampleStreamError"]


class SampleStreamError(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["category", "error"])

    error: str
    category: RequestErrorCategory
