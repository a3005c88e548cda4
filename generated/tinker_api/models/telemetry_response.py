"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Any, ClassVar, Literal

from ._base import BaseModel

__all__ = ["TelemetryResponse"]


class TelemetryResponse(BaseModel):
    """Reply to a telemetry batch."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["status"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"status": "accepted"}

    status: Literal["accepted"] = "accepted"
