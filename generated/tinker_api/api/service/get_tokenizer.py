"""GET /api/v1/tokenizer: Extension (not in the official API): a served model's tokenizer, so clients can tokenize offline."""

from __future__ import annotations

from typing import Any

from ...models.tokenizer_response import TokenizerResponse

METHOD = "GET"
PATH = "/api/v1/tokenizer"
OPERATION_ID = "get_tokenizer"

RESPONSE = TokenizerResponse


def build_request(*, model_name: str) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if model_name is not None:
        params["model_name"] = model_name
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> TokenizerResponse:
    """The 2xx JSON body as the contract's model."""
    return TokenizerResponse.model_validate(data)
