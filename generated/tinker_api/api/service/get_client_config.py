"""POST /api/v1/client/config: Server-driven client feature flags (SDK >= 0.18)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.client_config_request import ClientConfigRequest
from ...models.client_config_response import ClientConfigResponse

METHOD = "POST"
PATH = "/api/v1/client/config"
OPERATION_ID = "get_client_config"

RESPONSE = ClientConfigResponse


def build_request(*, body: ClientConfigRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> ClientConfigResponse:
    """The 2xx JSON body as the contract's model."""
    return ClientConfigResponse.model_validate(data)
