from enum import StrEnum


class FailedSessionStatusReasonType(StrEnum):
    REQUEST = "request"
    SAMPLING_SESSION = "sampling_session"
    TRAINING_RUN = "training_run"

    def __str__(self) -> str:
        return str(self.value)
