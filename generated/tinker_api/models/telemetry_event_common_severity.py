from typing import Literal

TelemetryEventCommonSeverity = Literal["CRITICAL", "DEBUG", "ERROR", "INFO", "WARNING"]

TELEMETRY_EVENT_COMMON_SEVERITY_VALUES: set[TelemetryEventCommonSeverity] = {
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "INFO",
    "WARNING",
}


def check_telemetry_event_common_severity(value: str) -> TelemetryEventCommonSeverity:
    if value in TELEMETRY_EVENT_COMMON_SEVERITY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TELEMETRY_EVENT_COMMON_SEVERITY_VALUES!r}"
    )
