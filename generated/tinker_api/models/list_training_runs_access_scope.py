from typing import Literal

ListTrainingRunsAccessScope = Literal["accessible", "owned"]

LIST_TRAINING_RUNS_ACCESS_SCOPE_VALUES: set[ListTrainingRunsAccessScope] = {
    "accessible",
    "owned",
}


def check_list_training_runs_access_scope(value: str) -> ListTrainingRunsAccessScope:
    if value in LIST_TRAINING_RUNS_ACCESS_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_TRAINING_RUNS_ACCESS_SCOPE_VALUES!r}"
    )
