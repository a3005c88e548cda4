"""POST /api/v1/client/dynamic_config: Periodically refreshed client flags (SDK >= 0.25). A 404 makes clients keep their defaults."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.client_config_request import ClientConfigRequest
from ...models.client_dynamic_config_response import ClientDynamicConfigResponse

METHOD = "POST"
PATH = "/api/v1/client/dynamic_config"
OPERATION_ID = "get_client_dynamic_config"

RESPONSE = ClientDynamicConfigResponse


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


def parse_response(data: Any) -> ClientDynamicConfigResponse:
    """The 2xx JSON body as the contract's model."""
    return ClientDynamicConfigResponse.model_validate(data)
