"""GET /api/v1/sessions: The caller's session ids, newest first."""

from __future__ import annotations

from typing import Any, Literal

from ...models.list_sessions_response import ListSessionsResponse

METHOD = "GET"
PATH = "/api/v1/sessions"
OPERATION_ID = "list_sessions"

RESPONSE = ListSessionsResponse


def build_request(
    *,
    access_scope: Literal["owned", "accessible"] | None = None,
    limit: int | None = None,
    offset: int | None = None,
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
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> ListSessionsResponse:
    """The 2xx JSON body as the contract's model."""
    return ListSessionsResponse.model_validate(data)
