"""GET /api/v1/get_server_capabilities: The base models this server can train and sample."""

from __future__ import annotations

from typing import Any

from ...models.get_server_capabilities_response import GetServerCapabilitiesResponse

METHOD = "GET"
PATH = "/api/v1/get_server_capabilities"
OPERATION_ID = "get_server_capabilities"

RESPONSE = GetServerCapabilitiesResponse


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


def parse_response(data: Any) -> GetServerCapabilitiesResponse:
    """The 2xx JSON body as the contract's model."""
    return GetServerCapabilitiesResponse.model_validate(data)
