"""POST /api/v1/create_sampling_session: Open a sampler on a base model or a sampler checkpoint (tinker:// path)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.create_sampling_session_request import CreateSamplingSessionRequest
from ...models.create_sampling_session_response import CreateSamplingSessionResponse

METHOD = "POST"
PATH = "/api/v1/create_sampling_session"
OPERATION_ID = "create_sampling_session"

RESPONSE = CreateSamplingSessionResponse


def build_request(*, body: CreateSamplingSessionRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> CreateSamplingSessionResponse:
    """The 2xx JSON body as the contract's model."""
    return CreateSamplingSessionResponse.model_validate(data)
