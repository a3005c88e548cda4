"""Public path of the generated `tinker_api.models.ttl_update_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.ttl_update_request import TtlUpdateRequest

__all__ = ["TtlUpdateRequest"]
