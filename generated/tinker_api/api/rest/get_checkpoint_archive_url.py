"""GET /api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/archive: Signed URL of a checkpoint tarball (SDK 0.7-0.33). 302 with Location, or 200 JSON; 503 while building."""

from __future__ import annotations

from typing import Any

from ...models._base import path_segment
from ...models.checkpoint_archive_url_response import CheckpointArchiveUrlResponse
from ...models.checkpoint_kind import CheckpointKind
from ...models.checkpoint_name import CheckpointName

METHOD = "GET"
PATH = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/archive"
OPERATION_ID = "get_checkpoint_archive_url"

RESPONSE = CheckpointArchiveUrlResponse


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
        "url": f"/api/v1/training_runs/{path_segment(training_run_id)}/checkpoints/{path_segment(checkpoint_kind)}/{path_segment(checkpoint_name)}/archive",
    }
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> CheckpointArchiveUrlResponse:
    """The 2xx JSON body as the contract's model."""
    return CheckpointArchiveUrlResponse.model_validate(data)
