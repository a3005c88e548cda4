"""POST /api/v1/join_sampling_session: Allocate a clone id for a restored sampling client (SDK >= 0.33, flag sample_join_sampling_session)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.join_sampling_session_request import JoinSamplingSessionRequest
from ...models.join_sampling_session_response import JoinSamplingSessionResponse

METHOD = "POST"
PATH = "/api/v1/join_sampling_session"
OPERATION_ID = "join_sampling_session"

RESPONSE = JoinSamplingSessionResponse


def build_request(*, body: JoinSamplingSessionRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> JoinSamplingSessionResponse:
    """The 2xx JSON body as the contract's model."""
    return JoinSamplingSessionResponse.model_validate(data)
