"""GET /api/v1/sessions/{session_id}: The training runs and samplers of one session."""

from __future__ import annotations

from typing import Any, Literal

from ...models._base import path_segment
from ...models.get_session_response import GetSessionResponse

METHOD = "GET"
PATH = "/api/v1/sessions/{session_id}"
OPERATION_ID = "get_session"

RESPONSE = GetSessionResponse


def build_request(
    *, session_id: str, access_scope: Literal["owned", "accessible"] | None = None
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/sessions/{path_segment(session_id)}",
    }
    if access_scope is not None:
        params["access_scope"] = access_scope
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> GetSessionResponse:
    """The 2xx JSON body as the contract's model."""
    return GetSessionResponse.model_validate(data)
