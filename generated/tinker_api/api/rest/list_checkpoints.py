"""GET /api/v1/training_runs/{training_run_id}/checkpoints: The checkpoints of one run (cursor is null)."""

from __future__ import annotations

from typing import Any

from ...models._base import path_segment
from ...models.checkpoints_list_response import CheckpointsListResponse

METHOD = "GET"
PATH = "/api/v1/training_runs/{training_run_id}/checkpoints"
OPERATION_ID = "list_checkpoints"

RESPONSE = CheckpointsListResponse


def build_request(*, training_run_id: str) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/training_runs/{path_segment(training_run_id)}/checkpoints",
    }
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> CheckpointsListResponse:
    """The 2xx JSON body as the contract's model."""
    return CheckpointsListResponse.model_validate(data)
