"""Public path of the generated `tinker_api.models.request_error_category` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.request_error_category import RequestErrorCategory

__all__ = ["RequestErrorCategory"]
