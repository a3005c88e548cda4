"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel
from .future_completion import FutureCompletion

__all__ = ["FuturesRetrieveResponse"]


class FuturesRetrieveResponse(BaseModel):
    """Completions newer than ``prev_cursor``, and the cursor to send next time."""

    completions: list[FutureCompletion]
    cursor: int
