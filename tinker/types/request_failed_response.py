"""Public path of the generated `tinker_api.models.request_failed_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.request_failed_response import RequestFailedResponse

__all__ = ["RequestFailedResponse"]
