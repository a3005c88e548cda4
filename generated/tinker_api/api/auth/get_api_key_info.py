"""GET /api/v1/auth/apikey/me: Describe the API key in X-API-Key (CLI `tinker auth login`, SDK >= 0.36)."""

from __future__ import annotations

from typing import Any

from ...models.api_key_info_response import ApiKeyInfoResponse

METHOD = "GET"
PATH = "/api/v1/auth/apikey/me"
OPERATION_ID = "get_api_key_info"

RESPONSE = ApiKeyInfoResponse


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


def parse_response(data: Any) -> ApiKeyInfoResponse:
    """The 2xx JSON body as the contract's model."""
    return ApiKeyInfoResponse.model_validate(data)
