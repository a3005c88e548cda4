"""POST /api/v1/save_weights: Save a training checkpoint (weights and optimizer state). Asynchronous."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models.save_weights_request import SaveWeightsRequest

METHOD = "POST"
PATH = "/api/v1/save_weights"
OPERATION_ID = "save_weights"


def build_request(*, body: SaveWeightsRequest) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if isinstance(body, PydanticBaseModel):
        request["json"] = body.model_dump(mode="json", exclude_none=True, by_alias=True)
        headers["Content-Type"] = "application/json"
    elif body is not None:
        request["json"] = body
        headers["Content-Type"] = "application/json"
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request
