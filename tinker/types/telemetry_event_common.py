"""Public path of the generated `tinker_api.models.telemetry_event_common` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.telemetry_event_common import TelemetryEventCommon

__all__ = ["TelemetryEventCommon"]
