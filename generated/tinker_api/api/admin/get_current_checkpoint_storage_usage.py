"""GET /api/v1/billing/usage/checkpoints/current: Current checkpoint storage per project and owner (SDK >= 0.36)."""

from __future__ import annotations

from typing import Any

from ...models.current_checkpoint_storage_usage_response import (
    CurrentCheckpointStorageUsageResponse,
)

METHOD = "GET"
PATH = "/api/v1/billing/usage/checkpoints/current"
OPERATION_ID = "get_current_checkpoint_storage_usage"

RESPONSE = CurrentCheckpointStorageUsageResponse


def build_request(*, project_id: str | None = None) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if project_id is not None:
        params["project_id"] = project_id
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> CurrentCheckpointStorageUsageResponse:
    """The 2xx JSON body as the contract's model."""
    return CurrentCheckpointStorageUsageResponse.model_validate(data)
