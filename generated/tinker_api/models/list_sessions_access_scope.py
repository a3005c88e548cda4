from enum import StrEnum


class ListSessionsAccessScope(StrEnum):
    ACCESSIBLE = "accessible"
    OWNED = "owned"

    def __str__(self) -> str:
        return str(self.value)
