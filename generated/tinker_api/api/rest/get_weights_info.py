"""POST /api/v1/weights_info: Base model and LoRA shape of a checkpoint."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.weights_info_request import WeightsInfoRequest
from ...models.weights_info_response import WeightsInfoResponse

METHOD = "POST"
PATH = "/api/v1/weights_info"
OPERATION_ID = "get_weights_info"

RESPONSE = WeightsInfoResponse


def build_request(*, body: WeightsInfoRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> WeightsInfoResponse:
    """The 2xx JSON body as the contract's model."""
    return WeightsInfoResponse.model_validate(data)
