from typing import Literal

SessionFinishReasonType = Literal["errored", "interrupted", "success"]

SESSION_FINISH_REASON_TYPE_VALUES: set[SessionFinishReasonType] = {
    "errored",
    "interrupted",
    "success",
}


def check_session_finish_reason_type(value: str) -> SessionFinishReasonType:
    if value in SESSION_FINISH_REASON_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SESSION_FINISH_REASON_TYPE_VALUES!r}"
    )
