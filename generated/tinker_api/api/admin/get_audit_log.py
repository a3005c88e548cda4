"""GET /api/v1/audit: The organisation's audit log for one UTC day (admin role)."""

from __future__ import annotations

from typing import Any, Literal

from ...models.audit_log_response import AuditLogResponse

METHOD = "GET"
PATH = "/api/v1/audit"
OPERATION_ID = "get_audit_log"

RESPONSE = AuditLogResponse


def build_request(
    *,
    day: str | None = None,
    event_type: Literal["all", "checkpoints", "projects", "teams", "organizations"]
    | None = None,
) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {"method": METHOD, "url": PATH}
    if day is not None:
        params["day"] = day
    if event_type is not None:
        params["event_type"] = event_type
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> AuditLogResponse:
    """The 2xx JSON body as the contract's model."""
    return AuditLogResponse.model_validate(data)
