"""POST /api/v1/copy_weights: Copy a checkpoint into a new, untrainable run (immediate; SDK >= 0.30)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.copy_weights_request import CopyWeightsRequest
from ...models.copy_weights_response import CopyWeightsResponse

METHOD = "POST"
PATH = "/api/v1/copy_weights"
OPERATION_ID = "copy_weights"

RESPONSE = CopyWeightsResponse


def build_request(
    *,
    body: CopyWeightsRequest,
    x_idempotency_key: str | None = None,
    x_tinker_weights_access_token: str | None = None,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if x_idempotency_key is not None:
        headers["X-Idempotency-Key"] = str(x_idempotency_key)
    if x_tinker_weights_access_token is not None:
        headers["X-Tinker-Weights-Access-Token"] = str(x_tinker_weights_access_token)
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


def parse_response(data: Any) -> CopyWeightsResponse:
    """The 2xx JSON body as the contract's model."""
    return CopyWeightsResponse.model_validate(data)
