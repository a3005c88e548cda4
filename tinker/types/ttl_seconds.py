"""Public path of the generated `tinker_api.models.ttl_seconds` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.ttl_seconds import TtlSeconds

__all__ = ["TtlSeconds"]
