"""GET /api/v1/samplers/{sampler_id}: One sampler (sampling session). Clients may percent-encode the colons of the id."""

from __future__ import annotations

from typing import Any

from ...models._base import path_segment
from ...models.get_sampler_response import GetSamplerResponse

METHOD = "GET"
PATH = "/api/v1/samplers/{sampler_id}"
OPERATION_ID = "get_sampler"

RESPONSE = GetSamplerResponse


def build_request(*, sampler_id: str) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/samplers/{path_segment(sampler_id)}",
    }
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> GetSamplerResponse:
    """The 2xx JSON body as the contract's model."""
    return GetSamplerResponse.model_validate(data)
