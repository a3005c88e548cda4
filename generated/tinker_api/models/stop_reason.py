from typing import Literal

StopReason = Literal["length", "stop"]

STOP_REASON_VALUES: set[StopReason] = {
    "length",
    "stop",
}


def check_stop_reason(value: str) -> StopReason:
    if value in STOP_REASON_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {STOP_REASON_VALUES!r}"
    )
