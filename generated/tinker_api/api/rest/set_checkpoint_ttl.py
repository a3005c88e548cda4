"""PUT /api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/ttl: Set (seconds from now) or clear (null) a checkpoint's expiry (SDK >= 0.13)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import path_segment, wire_json
from ...models.checkpoint_kind import CheckpointKind
from ...models.checkpoint_name import CheckpointName
from ...models.empty_response import EmptyResponse
from ...models.ttl_update_request import TtlUpdateRequest

METHOD = "PUT"
PATH = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/ttl"
OPERATION_ID = "set_checkpoint_ttl"

RESPONSE = EmptyResponse


def build_request(
    *,
    body: TtlUpdateRequest,
    checkpoint_kind: CheckpointKind,
    checkpoint_name: CheckpointName,
    training_run_id: str,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/training_runs/{path_segment(training_run_id)}/checkpoints/{path_segment(checkpoint_kind)}/{path_segment(checkpoint_name)}/ttl",
    }
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


def parse_response(data: Any) -> EmptyResponse:
    """The 2xx JSON body as the contract's model."""
    return EmptyResponse.model_validate(data)
