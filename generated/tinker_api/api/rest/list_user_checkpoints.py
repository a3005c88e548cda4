"""GET /api/v1/checkpoints: All of the caller's checkpoints, newest first."""

from __future__ import annotations

from typing import Any

from ...models.checkpoints_list_response import CheckpointsListResponse

METHOD = "GET"
PATH = "/api/v1/checkpoints"
OPERATION_ID = "list_user_checkpoints"

RESPONSE = CheckpointsListResponse


def build_request(
    *, limit: int | None = None, offset: int | None = None
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if limit is not None:
        params["limit"] = limit
    if offset is not None:
        params["offset"] = offset
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> CheckpointsListResponse:
    """The 2xx JSON body as the contract's model."""
    return CheckpointsListResponse.model_validate(data)
