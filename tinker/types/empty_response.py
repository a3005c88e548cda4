"""Public path of the generated `tinker_api.models.empty_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.empty_response import EmptyResponse

__all__ = ["EmptyResponse"]
