from typing import Literal

CheckpointType = Literal["external", "sampler", "training"]

CHECKPOINT_TYPE_VALUES: set[CheckpointType] = {
    "external",
    "sampler",
    "training",
}


def check_checkpoint_type(value: str) -> CheckpointType:
    if value in CHECKPOINT_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CHECKPOINT_TYPE_VALUES!r}"
    )
