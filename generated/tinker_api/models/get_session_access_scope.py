from typing import Literal

GetSessionAccessScope = Literal["accessible", "owned"]

GET_SESSION_ACCESS_SCOPE_VALUES: set[GetSessionAccessScope] = {
    "accessible",
    "owned",
}


def check_get_session_access_scope(value: str) -> GetSessionAccessScope:
    if value in GET_SESSION_ACCESS_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {GET_SESSION_ACCESS_SCOPE_VALUES!r}"
    )
