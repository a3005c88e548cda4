from typing import Literal

ListSessionsAccessScope = Literal["accessible", "owned"]

LIST_SESSIONS_ACCESS_SCOPE_VALUES: set[ListSessionsAccessScope] = {
    "accessible",
    "owned",
}


def check_list_sessions_access_scope(value: str) -> ListSessionsAccessScope:
    if value in LIST_SESSIONS_ACCESS_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_SESSIONS_ACCESS_SCOPE_VALUES!r}"
    )
