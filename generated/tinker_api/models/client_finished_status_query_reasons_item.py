from typing import Literal

ClientFinishedStatusQueryReasonsItem = Literal["errored", "interrupted", "success"]

CLIENT_FINISHED_STATUS_QUERY_REASONS_ITEM_VALUES: set[
    ClientFinishedStatusQueryReasonsItem
] = {
    "errored",
    "interrupted",
    "success",
}


def check_client_finished_status_query_reasons_item(
    value: str,
) -> ClientFinishedStatusQueryReasonsItem:
    if value in CLIENT_FINISHED_STATUS_QUERY_REASONS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CLIENT_FINISHED_STATUS_QUERY_REASONS_ITEM_VALUES!r}"
    )
