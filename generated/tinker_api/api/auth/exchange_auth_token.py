"""POST /api/v1/auth/token: Exchange the raw credential for a short-lived JWT (only when pjwt_auth_enabled)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.auth_token_request import AuthTokenRequest
from ...models.auth_token_response import AuthTokenResponse

METHOD = "POST"
PATH = "/api/v1/auth/token"
OPERATION_ID = "exchange_auth_token"

RESPONSE = AuthTokenResponse


def build_request(*, body: AuthTokenRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> AuthTokenResponse:
    """The 2xx JSON body as the contract's model."""
    return AuthTokenResponse.model_validate(data)
