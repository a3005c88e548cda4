from typing import Literal

SaveWeightsForSamplerRequestKind = Literal["inflight", "snapshot"]

SAVE_WEIGHTS_FOR_SAMPLER_REQUEST_KIND_VALUES: set[SaveWeightsForSamplerRequestKind] = {
    "inflight",
    "snapshot",
}


def check_save_weights_for_sampler_request_kind(
    value: str,
) -> SaveWeightsForSamplerRequestKind:
    if value in SAVE_WEIGHTS_FOR_SAMPLER_REQUEST_KIND_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SAVE_WEIGHTS_FOR_SAMPLER_REQUEST_KIND_VALUES!r}"
    )
