from enum import StrEnum


class SaveWeightsForSamplerRequestKind(StrEnum):
    INFLIGHT = "inflight"
    SNAPSHOT = "snapshot"

    def __str__(self) -> str:
        return str(self.value)
