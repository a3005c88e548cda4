from typing import Literal

FailedSessionStatusReasonType = Literal["request", "sampling_session", "training_run"]

FAILED_SESSION_STATUS_REASON_TYPE_VALUES: set[FailedSessionStatusReasonType] = {
    "request",
    "sampling_session",
    "training_run",
}


def check_failed_session_status_reason_type(
    value: str,
) -> FailedSessionStatusReasonType:
    if value in FAILED_SESSION_STATUS_REASON_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FAILED_SESSION_STATUS_REASON_TYPE_VALUES!r}"
    )
