"""GET /api/v1/sessions/{session_id}/trace_export: Start or poll a Perfetto trace export of a session (SDK >= 0.24; clients poll every 5 s)."""

from __future__ import annotations

from typing import Any

from ...models._base import path_segment
from ...models.session_trace_export_poll_response import SessionTraceExportPollResponse

METHOD = "GET"
PATH = "/api/v1/sessions/{session_id}/trace_export"
OPERATION_ID = "export_session_trace"

RESPONSE = SessionTraceExportPollResponse


def build_request(*, session_id: str) -> dict[str, Any]:
    """Method, URL, query parameters, headers and body of one call (httpx.Request keywords)."""
    params: dict[str, Any] = {}
    headers: dict[str, str] = {}
    request: dict[str, Any] = {
        "method": METHOD,
        "url": f"/api/v1/sessions/{path_segment(session_id)}/trace_export",
    }
    if params:
        request["params"] = params
    if headers:
        request["headers"] = headers
    return request


def parse_response(data: Any) -> SessionTraceExportPollResponse:
    """The 2xx JSON body as the contract's model."""
    return SessionTraceExportPollResponse.model_validate(data)
