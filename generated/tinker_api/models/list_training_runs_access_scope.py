from enum import StrEnum


class ListTrainingRunsAccessScope(StrEnum):
    ACCESSIBLE = "accessible"
    OWNED = "owned"

    def __str__(self) -> str:
        return str(self.value)
