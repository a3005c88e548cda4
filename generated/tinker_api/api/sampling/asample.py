"""POST /api/v1/asample: Generate completions. Asynchronous; the future lists one sequence id per sample (SDK 0.38 requires it)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel as PydanticBaseModel

from ...models._base import wire_json
from ...models.sample_request import SampleRequest
from ...models.untyped_api_future import UntypedAPIFuture

METHOD = "POST"
PATH = "/api/v1/asample"
OPERATION_ID = "asample"

RESPONSE = UntypedAPIFuture


def build_request(
    *,
    body: SampleRequest,
    x_tinker_result_wait: float | None = None,
    x_tinker_sampling_backpressure: Literal["0", "1"] | None = None,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if x_tinker_result_wait is not None:
        headers["X-Tinker-Result-Wait"] = str(x_tinker_result_wait)
    if x_tinker_sampling_backpressure is not None:
        headers["X-Tinker-Sampling-Backpressure"] = str(x_tinker_sampling_backpressure)
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


def parse_response(data: Any) -> UntypedAPIFuture:
    """The 2xx JSON body as the contract's model."""
    return UntypedAPIFuture.model_validate(data)
