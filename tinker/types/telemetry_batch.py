"""`TelemetryBatch`: the official SDK's name for a telemetry request body."""

from __future__ import annotations

from tinker_api.models.telemetry_send_request import TelemetrySendRequest

__all__ = ["TelemetryBatch"]

TelemetryBatch = TelemetrySendRequest
