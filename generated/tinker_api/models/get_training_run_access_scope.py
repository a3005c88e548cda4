from enum import StrEnum


class GetTrainingRunAccessScope(StrEnum):
    ACCESSIBLE = "accessible"
    OWNED = "owned"

    def __str__(self) -> str:
        return str(self.value)
