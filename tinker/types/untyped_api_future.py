"""Public path of the generated `tinker_api.models.untyped_api_future` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.untyped_api_future import UntypedAPIFuture

__all__ = ["UntypedAPIFuture"]
