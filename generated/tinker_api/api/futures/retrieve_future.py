"""POST /api/v1/retrieve_future: Long-poll a future. 408 = not ready yet (poll again); 410 = expired (resubmit)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.future_retrieve_request import FutureRetrieveRequest

METHOD = "POST"
PATH = "/api/v1/retrieve_future"
OPERATION_ID = "retrieve_future"


def build_request(
    *,
    body: FutureRetrieveRequest,
    x_tinker_request_iteration: str | None = None,
    x_tinker_request_type: str | None = None,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if x_tinker_request_iteration is not None:
        headers["X-Tinker-Request-Iteration"] = str(x_tinker_request_iteration)
    if x_tinker_request_type is not None:
        headers["X-Tinker-Request-Type"] = str(x_tinker_request_type)
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
