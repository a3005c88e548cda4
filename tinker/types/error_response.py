"""Public path of the generated `tinker_api.models.error_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.error_response import ErrorResponse

__all__ = ["ErrorResponse"]
