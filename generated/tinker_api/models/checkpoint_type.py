from enum import StrEnum


class CheckpointType(StrEnum):
    EXTERNAL = "external"
    SAMPLER = "sampler"
    TRAINING = "training"

    def __str__(self) -> str:
        return str(self.value)
