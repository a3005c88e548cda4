from typing import Literal

GetAuditLogEventType = Literal[
    "all", "checkpoints", "organizations", "projects", "teams"
]

GET_AUDIT_LOG_EVENT_TYPE_VALUES: set[GetAuditLogEventType] = {
    "all",
    "checkpoints",
    "organizations",
    "projects",
    "teams",
}


def check_get_audit_log_event_type(value: str) -> GetAuditLogEventType:
    if value in GET_AUDIT_LOG_EVENT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {GET_AUDIT_LOG_EVENT_TYPE_VALUES!r}"
    )
