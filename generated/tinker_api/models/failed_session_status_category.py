from enum import StrEnum


class FailedSessionStatusCategory(StrEnum):
    INTERNAL = "internal"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
