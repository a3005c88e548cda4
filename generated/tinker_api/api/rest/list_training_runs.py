"""GET /api/v1/training_runs: The caller's training runs, newest first, offset paginated."""

from __future__ import annotations

from typing import Any, Literal

from ...models.training_runs_response import TrainingRunsResponse

METHOD = "GET"
PATH = "/api/v1/training_runs"
OPERATION_ID = "list_training_runs"

RESPONSE = TrainingRunsResponse


def build_request(
    *,
    access_scope: Literal["owned", "accessible"] | None = None,
    limit: int | None = None,
    offset: int | None = None,
    project_id: str | None = None,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if access_scope is not None:
        params["access_scope"] = access_scope
    if limit is not None:
        params["limit"] = limit
    if offset is not None:
        params["offset"] = offset
    if project_id is not None:
        params["project_id"] = project_id
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> TrainingRunsResponse:
    """The 2xx JSON body as the contract's model."""
    return TrainingRunsResponse.model_validate(data)
