from typing import Literal

RequestErrorCategory = Literal["server", "unknown", "user"]

REQUEST_ERROR_CATEGORY_VALUES: set[RequestErrorCategory] = {
    "server",
    "unknown",
    "user",
}


def check_request_error_category(value: str) -> RequestErrorCategory:
    if value in REQUEST_ERROR_CATEGORY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {REQUEST_ERROR_CATEGORY_VALUES!r}"
    )
