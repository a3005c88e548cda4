"""POST /api/v1/telemetry: Client telemetry batch (opt out with TINKER_TELEMETRY=0)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.telemetry_response import TelemetryResponse
from ...models.telemetry_send_request import TelemetrySendRequest

METHOD = "POST"
PATH = "/api/v1/telemetry"
OPERATION_ID = "send_telemetry"

RESPONSE = TelemetryResponse


def build_request(*, body: TelemetrySendRequest) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if isinstance(body, PydanticBaseModel):
        request["json"] = wire_json(body)
        headers["Content-Type"] = "application/json"
    elif body is not None:
        request["json"] = body
        headers["Content-Type"] = "application/json"
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> TelemetryResponse:
    """The 2xx JSON body as the contract's model."""
    return TelemetryResponse.model_validate(data)
