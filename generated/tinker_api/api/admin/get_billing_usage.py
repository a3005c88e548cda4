"""GET /api/v1/billing/usage/events: Hourly usage buckets; the window is hour-aligned, at most 14 days and not in the future."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...models.billing_usage_response import BillingUsageResponse

METHOD = "GET"
PATH = "/api/v1/billing/usage/events"
OPERATION_ID = "get_billing_usage"

RESPONSE = BillingUsageResponse


def build_request(*, ending_before: datetime, starting_on: datetime) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if ending_before is not None:
        params["ending_before"] = ending_before.isoformat()
    if starting_on is not None:
        params["starting_on"] = starting_on.isoformat()
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> BillingUsageResponse:
    """The 2xx JSON body as the contract's model."""
    return BillingUsageResponse.model_validate(data)
