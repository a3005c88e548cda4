"""POST /api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/publish: Make a checkpoint public (409 if it already is). No request body."""

from __future__ import annotations

from typing import Any

from ...models._base import path_segment
from ...models.checkpoint_kind import CheckpointKind
from ...models.checkpoint_name import CheckpointName
from ...models.empty_response import EmptyResponse

METHOD = "POST"
PATH = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/publish"
OPERATION_ID = "publish_checkpoint"

RESPONSE = EmptyResponse


def build_request(
    *,
    checkpoint_kind: CheckpointKind,
    checkpoint_name: CheckpointName,
    training_run_id: str,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/training_runs/{path_segment(training_run_id)}/checkpoints/{path_segment(checkpoint_kind)}/{path_segment(checkpoint_name)}/publish",
    }
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> EmptyResponse:
    """The 2xx JSON body as the contract's model."""
    return EmptyResponse.model_validate(data)
