"""PUT /api/v1/sessions/{session_id}/project: Move a session into a project (SDK >= 0.22)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import path_segment, wire_json
from ...models.assign_project_request import AssignProjectRequest
from ...models.empty_response import EmptyResponse

METHOD = "PUT"
PATH = "/api/v1/sessions/{session_id}/project"
OPERATION_ID = "assign_session_project"

RESPONSE = EmptyResponse


def build_request(*, body: AssignProjectRequest, session_id: str) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/sessions/{path_segment(session_id)}/project",
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
