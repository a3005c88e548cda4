"""Public path of the generated `tinker_api.models.try_again_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.try_again_response import TryAgainResponse

__all__ = ["TryAgainResponse"]
