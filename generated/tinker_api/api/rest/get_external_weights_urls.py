"""GET /api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/external_weights_urls: Signed download URLs of an external-weights export, keyed by relative file path (SDK >= 0.30)."""

from __future__ import annotations

from typing import Any, Literal

from ...models._base import path_segment
from ...models.checkpoint_name import CheckpointName
from ...models.external_weights_urls_response import ExternalWeightsUrlsResponse

METHOD = "GET"
PATH = "/api/v1/training_runs/{training_run_id}/checkpoints/{checkpoint_kind}/{checkpoint_name}/external_weights_urls"
OPERATION_ID = "get_external_weights_urls"

RESPONSE = ExternalWeightsUrlsResponse


def build_request(
    *,
    checkpoint_kind: Literal["external_weights"],
    checkpoint_name: CheckpointName,
    training_run_id: str,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/training_runs/{path_segment(training_run_id)}/checkpoints/{path_segment(checkpoint_kind)}/{path_segment(checkpoint_name)}/external_weights_urls",
    }
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> ExternalWeightsUrlsResponse:
    """The 2xx JSON body as the contract's model."""
    return ExternalWeightsUrlsResponse.model_validate(data)
