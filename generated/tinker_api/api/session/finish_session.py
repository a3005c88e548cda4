"""POST /api/v1/sessions/{session_id}/finish: Mark a session finished (SDK >= 0.30, on `ServiceClient.close()`); the first reason wins."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import path_segment, wire_json
from ...models.finish_session_request import FinishSessionRequest
from ...models.finish_session_response import FinishSessionResponse

METHOD = "POST"
PATH = "/api/v1/sessions/{session_id}/finish"
OPERATION_ID = "finish_session"

RESPONSE = FinishSessionResponse


def build_request(*, body: FinishSessionRequest, session_id: str) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/sessions/{path_segment(session_id)}/finish",
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


def parse_response(data: Any) -> FinishSessionResponse:
    """The 2xx JSON body as the contract's model."""
    return FinishSessionResponse.model_validate(data)
