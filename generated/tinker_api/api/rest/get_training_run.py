"""GET /api/v1/training_runs/{training_run_id}: One training run."""

from __future__ import annotations

from typing import Any, Literal

from ...models._base import path_segment
from ...models.training_run import TrainingRun

METHOD = "GET"
PATH = "/api/v1/training_runs/{training_run_id}"
OPERATION_ID = "get_training_run"

RESPONSE = TrainingRun


def build_request(
    *, training_run_id: str, access_scope: Literal["owned", "accessible"] | None = None
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/training_runs/{path_segment(training_run_id)}",
    }
    if access_scope is not None:
        params["access_scope"] = access_scope
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> TrainingRun:
    """The 2xx JSON body as the contract's model."""
    return TrainingRun.model_validate(data)
