"""GET /api/v1/healthz: Liveness probe."""

from __future__ import annotations

from typing import Any

from ...models.health_response import HealthResponse

METHOD = "GET"
PATH = "/api/v1/healthz"
OPERATION_ID = "healthz"

RESPONSE = HealthResponse


def build_request() -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> HealthResponse:
    """The 2xx JSON body as the contract's model."""
    return HealthResponse.model_validate(data)
