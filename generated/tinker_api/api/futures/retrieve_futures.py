"""POST /api/v1/retrieve_futures: Long-poll the completions of one sampling session (SDK >= 0.30, flag sample_use_retrieve_futures)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.futures_retrieve_request import FuturesRetrieveRequest
from ...models.futures_retrieve_response import FuturesRetrieveResponse

METHOD = "POST"
PATH = "/api/v1/retrieve_futures"
OPERATION_ID = "retrieve_futures"

RESPONSE = FuturesRetrieveResponse


def build_request(*, body: FuturesRetrieveRequest) -> dict[str, Any]:
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


def parse_response(data: Any) -> FuturesRetrieveResponse:
    """The 2xx JSON body as the contract's model."""
    return FuturesRetrieveResponse.model_validate(data)
