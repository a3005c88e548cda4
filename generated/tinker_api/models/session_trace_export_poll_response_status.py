from typing import Literal

SessionTraceExportPollResponseStatus = Literal["failed", "pending", "ready"]

SESSION_TRACE_EXPORT_POLL_RESPONSE_STATUS_VALUES: set[
    SessionTraceExportPollResponseStatus
] = {
    "failed",
    "pending",
    "ready",
}


def check_session_trace_export_poll_response_status(
    value: str,
) -> SessionTraceExportPollResponseStatus:
    if value in SESSION_TRACE_EXPORT_POLL_RESPONSE_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SESSION_TRACE_EXPORT_POLL_RESPONSE_STATUS_VALUES!r}"
    )
