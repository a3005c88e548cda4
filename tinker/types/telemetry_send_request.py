"""Public path of the generated `tinker_api.models.telemetry_send_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.telemetry_send_request import TelemetrySendRequest

__all__ = ["TelemetrySendRequest"]
