"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Literal

from ._base import BaseModel

__all__ = ["TelemetryResponse"]


class TelemetryResponse(BaseModel):
    """Reply to a telemetry batch."""

    status: Literal["accepted"] = "accepted"
