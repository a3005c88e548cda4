from typing import Literal

SimpleSessionStatusQueryType = Literal["active", "cancelled", "failed"]

SIMPLE_SESSION_STATUS_QUERY_TYPE_VALUES: set[SimpleSessionStatusQueryType] = {
    "active",
    "cancelled",
    "failed",
}


def check_simple_session_status_query_type(value: str) -> SimpleSessionStatusQueryType:
    if value in SIMPLE_SESSION_STATUS_QUERY_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SIMPLE_SESSION_STATUS_QUERY_TYPE_VALUES!r}"
    )
