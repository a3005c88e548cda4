"""POST /api/v1/load_weights: Load a checkpoint into a model, addressed by model_id (legacy) or session_id + model_seq_id (create-via-load). Asynchronous."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models.load_weights_request import LoadWeightsRequest

METHOD = "POST"
PATH = "/api/v1/load_weights"
OPERATION_ID = "load_weights"


def build_request(*, body: LoadWeightsRequest) -> dict[str, Any]:
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
