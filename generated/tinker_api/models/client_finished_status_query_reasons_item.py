from enum import StrEnum


class ClientFinishedStatusQueryReasonsItem(StrEnum):
    ERRORED = "errored"
    INTERRUPTED = "interrupted"
    SUCCESS = "success"

    def __str__(self) -> str:
        return str(self.value)
