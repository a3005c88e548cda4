from enum import StrEnum


class CheckpointKind(StrEnum):
    EXTERNAL_WEIGHTS = "external_weights"
    SAMPLER_WEIGHTS = "sampler_weights"
    WEIGHTS = "weights"

    def __str__(self) -> str:
        return str(self.value)
