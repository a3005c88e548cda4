"""POST /api/v1/session_heartbeat: Keep a session alive (clients send one every 10 s). 410 means the session is finished."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.session_heartbeat_request import SessionHeartbeatRequest
from ...models.session_heartbeat_response import SessionHeartbeatResponse

METHOD = "POST"
PATH = "/api/v1/session_heartbeat"
OPERATION_ID = "session_heartbeat"

RESPONSE = SessionHeartbeatResponse


def build_request(*, body: SessionHeartbeatRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> SessionHeartbeatResponse:
    """The 2xx JSON body as the contract's model."""
    return SessionHeartbeatResponse.model_validate(data)
