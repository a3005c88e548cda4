from enum import StrEnum


class SimpleSessionStatusQueryType(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
