"""POST /api/v1/cancel_future: Cancel an abandoned sample future (SDK >= 0.30, dynamic flag sample_cancel_enabled)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.cancel_future_request import CancelFutureRequest
from ...models.cancel_future_response import CancelFutureResponse

METHOD = "POST"
PATH = "/api/v1/cancel_future"
OPERATION_ID = "cancel_future"

RESPONSE = CancelFutureResponse


def build_request(*, body: CancelFutureRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> CancelFutureResponse:
    """The 2xx JSON body as the contract's model."""
    return CancelFutureResponse.model_validate(data)
