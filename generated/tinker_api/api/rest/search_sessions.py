"""POST /api/v1/sessions/search: Search sessions by metadata, name, owner and status (SDK >= 0.36, experimental)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.session_search_request import SessionSearchRequest
from ...models.session_search_response import SessionSearchResponse

METHOD = "POST"
PATH = "/api/v1/sessions/search"
OPERATION_ID = "search_sessions"

RESPONSE = SessionSearchResponse


def build_request(*, body: SessionSearchRequest) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
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


def parse_response(data: Any) -> SessionSearchResponse:
    """The 2xx JSON body as the contract's model."""
    return SessionSearchResponse.model_validate(data)
