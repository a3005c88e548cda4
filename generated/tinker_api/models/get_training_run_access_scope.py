from typing import Literal

GetTrainingRunAccessScope = Literal["accessible", "owned"]

GET_TRAINING_RUN_ACCESS_SCOPE_VALUES: set[GetTrainingRunAccessScope] = {
    "accessible",
    "owned",
}


def check_get_training_run_access_scope(value: str) -> GetTrainingRunAccessScope:
    if value in GET_TRAINING_RUN_ACCESS_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {GET_TRAINING_RUN_ACCESS_SCOPE_VALUES!r}"
    )
