"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .request_error_category import RequestErrorCategory
from .validation_error_item import ValidationErrorItem

__all__ = ["ErrorResponse"]


class ErrorResponse(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["detail"])

    detail: str | list[ValidationErrorItem]
    """What went wrong, naming the field and the fix; FastAPI-based servers send a list for a 422."""
    category: RequestErrorCategory | None = None
