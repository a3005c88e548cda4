from typing import Literal

SampleStreamEventEvent = Literal["done", "error", "token"]

SAMPLE_STREAM_EVENT_EVENT_VALUES: set[SampleStreamEventEvent] = {
    "done",
    "error",
    "token",
}


def check_sample_stream_event_event(value: str) -> SampleStreamEventEvent:
    if value in SAMPLE_STREAM_EVENT_EVENT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SAMPLE_STREAM_EVENT_EVENT_VALUES!r}"
    )
