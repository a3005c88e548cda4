"""Public path of the generated `tinker_api.models.future_completion` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.future_completion import FutureCompletion, FutureFailed, FutureFinished

__all__ = ["FutureCompletion", "FutureFailed", "FutureFinished"]
