"""POST /api/v1/get_info: Describe a training model (immediate)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.get_info_request import GetInfoRequest
from ...models.get_info_response import GetInfoResponse

METHOD = "POST"
PATH = "/api/v1/get_info"
OPERATION_ID = "get_info"

RESPONSE = GetInfoResponse


def build_request(*, body: GetInfoRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> GetInfoResponse:
    """The 2xx JSON body as the contract's model."""
    return GetInfoResponse.model_validate(data)
