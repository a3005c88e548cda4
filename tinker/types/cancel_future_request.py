"""Public path of the generated `tinker_api.models.cancel_future_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.cancel_future_request import CancelFutureRequest

__all__ = ["CancelFutureRequest"]
