from typing import Literal

FailedSessionStatusCategory = Literal["internal", "user"]

FAILED_SESSION_STATUS_CATEGORY_VALUES: set[FailedSessionStatusCategory] = {
    "internal",
    "user",
}


def check_failed_session_status_category(value: str) -> FailedSessionStatusCategory:
    if value in FAILED_SESSION_STATUS_CATEGORY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {FAILED_SESSION_STATUS_CATEGORY_VALUES!r}"
    )
