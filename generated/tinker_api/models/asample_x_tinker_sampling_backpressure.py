from typing import Literal

AsampleXTinkerSamplingBackpressure = Literal["0", "1"]

ASAMPLE_X_TINKER_SAMPLING_BACKPRESSURE_VALUES: set[
    AsampleXTinkerSamplingBackpressure
] = {
    "0",
    "1",
}


def check_asample_x_tinker_sampling_backpressure(
    value: str,
) -> AsampleXTinkerSamplingBackpressure:
    if value in ASAMPLE_X_TINKER_SAMPLING_BACKPRESSURE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ASAMPLE_X_TINKER_SAMPLING_BACKPRESSURE_VALUES!r}"
    )
