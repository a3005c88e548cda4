from enum import StrEnum


class QueueState(StrEnum):
    ACTIVE = "active"
    PAUSED_CAPACITY = "paused_capacity"
    PAUSED_RATE_LIMIT = "paused_rate_limit"

    def __str__(self) -> str:
        return str(self.value)
