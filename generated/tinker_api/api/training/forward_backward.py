"""POST /api/v1/forward_backward: Forward and backward pass; gradients are summed until the next optim_step. Asynchronous."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.untyped_api_future import UntypedAPIFuture

METHOD = "POST"
PATH = "/api/v1/forward_backward"
OPERATION_ID = "forward_backward"

RESPONSE = UntypedAPIFuture


def build_request(*, body: Any | bytes) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if isinstance(body, PydanticBaseModel):
        request["json"] = wire_json(body)
        headers["Content-Type"] = "application/json"
    elif isinstance(body, bytes):
        request["content"] = body
        headers["Content-Type"] = "application/x-protobuf"
    elif body is not None:
        request["json"] = body
        headers["Content-Type"] = "application/json"
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> UntypedAPIFuture:
    """The 2xx JSON body as the contract's model."""
    return UntypedAPIFuture.model_validate(data)
