from enum import StrEnum


class SampleStreamEventEvent(StrEnum):
    DONE = "done"
    ERROR = "error"
    TOKEN = "token"

    def __str__(self) -> str:
        return str(self.value)
