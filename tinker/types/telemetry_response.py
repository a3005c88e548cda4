"""Public path of the generated `tinker_api.models.telemetry_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.telemetry_response import TelemetryResponse

__all__ = ["TelemetryResponse"]
