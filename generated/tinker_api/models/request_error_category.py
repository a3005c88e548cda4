from enum import StrEnum


class RequestErrorCategory(StrEnum):
    SERVER = "server"
    UNKNOWN = "unknown"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
