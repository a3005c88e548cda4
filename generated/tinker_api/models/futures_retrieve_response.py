"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from .future_completion import FutureCompletion

__all__ = ["FuturesRetrieveResponse"]


class FuturesRetrieveResponse(BaseModel):
    """Completions newer than ``prev_cursor``, and the cursor to send next time."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["completions", "cursor"])

    completions: list[FutureCompletion]
    cursor: int
