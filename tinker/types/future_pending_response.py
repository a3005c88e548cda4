"""Public path of the generated `tinker_api.models.future_pending_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.future_pending_response import FuturePendingResponse

__all__ = ["FuturePendingResponse"]
