"""Public path of the generated `tinker_api.models.cancel_future_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.cancel_future_response import CancelFutureResponse

__all__ = ["CancelFutureResponse"]
