"""Public path of the generated `tinker_api.models.telemetry_event` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.telemetry_event import TelemetryEvent

__all__ = ["TelemetryEvent"]
