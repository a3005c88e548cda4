"""DELETE /api/v1/auth/apikey/me: Revoke the API key in X-API-Key (CLI `tinker auth logout`, legacy generated keys only)."""

from __future__ import annotations

from typing import Any

from ...models.empty_response import EmptyResponse

METHOD = "DELETE"
PATH = "/api/v1/auth/apikey/me"
OPERATION_ID = "delete_api_key"

RESPONSE = EmptyResponse


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


def parse_response(data: Any) -> EmptyResponse:
    """The 2xx JSON body as the contract's model."""
    return EmptyResponse.model_validate(data)
