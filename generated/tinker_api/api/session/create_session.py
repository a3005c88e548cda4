"""POST /api/v1/create_session: Open a client session; training models and samplers belong to one."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.create_session_request import CreateSessionRequest
from ...models.create_session_response import CreateSessionResponse

METHOD = "POST"
PATH = "/api/v1/create_session"
OPERATION_ID = "create_session"

RESPONSE = CreateSessionResponse


def build_request(*, body: CreateSessionRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> CreateSessionResponse:
    """The 2xx JSON body as the contract's model."""
    return CreateSessionResponse.model_validate(data)
