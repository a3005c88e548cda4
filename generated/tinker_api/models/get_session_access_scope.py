from enum import StrEnum


class GetSessionAccessScope(StrEnum):
    ACCESSIBLE = "accessible"
    OWNED = "owned"

    def __str__(self) -> str:
        return str(self.value)
