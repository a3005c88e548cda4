"""Public path of the generated `tinker_api.models.request_id` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.request_id import RequestID

__all__ = ["RequestID"]
