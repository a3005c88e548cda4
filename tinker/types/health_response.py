"""Public path of the generated `tinker_api.models.health_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.health_response import HealthResponse

__all__ = ["HealthResponse"]
