"""`FutureRetrieveResponse`: what polling a future returns; hand-written because it holds facade result types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Union

from pydantic import Discriminator, Tag
from tinker_api.models import (
    CreateCustomLossResponse,
    CreateModelResponse,
    FutureCompleteMetadata,
    LoadWeightsResponse,
    OptimStepResponse,
    RequestFailedResponse,
    SaveWeightsExternalResponseInternal,
    SaveWeightsForSamplerResponseInternal,
    SaveWeightsResponse,
    TryAgainResponse,
    UnloadModelResponse,
)
from tinker_api.models._base import fits_on_wire

from .forward_backward_output import ForwardBackwardOutput
from .sample_response import SampleResponse

__all__ = ["FutureRetrieveResponse"]

# The contract's arms, in its order: control replies first, then results.
_ARMS: tuple[type, ...] = (
    TryAgainResponse,
    RequestFailedResponse,
    FutureCompleteMetadata,
    ForwardBackwardOutput,
    SampleResponse,
    CreateModelResponse,
    UnloadModelResponse,
    SaveWeightsResponse,
    LoadWeightsResponse,
    SaveWeightsForSamplerResponseInternal,
    SaveWeightsExternalResponseInternal,
    CreateCustomLossResponse,
    OptimStepResponse,
)


def _first_fit(value: Any) -> str | None:
    """The first arm whose required keys and tags the body has (the Python models default their tags)."""
    if not isinstance(value, Mapping):
        return type(value).__name__ if isinstance(value, _ARMS) else None
    return next((arm.__name__ for arm in _ARMS if fits_on_wire(arm, value)), None)


FutureRetrieveResponse = Annotated[
    Union[  # noqa: UP007 - one arm per line, in the contract's order
        Annotated[TryAgainResponse, Tag("TryAgainResponse")],
        Annotated[RequestFailedResponse, Tag("RequestFailedResponse")],
        Annotated[FutureCompleteMetadata, Tag("FutureCompleteMetadata")],
        Annotated[ForwardBackwardOutput, Tag("ForwardBackwardOutput")],
        Annotated[SampleResponse, Tag("SampleResponse")],
        Annotated[CreateModelResponse, Tag("CreateModelResponse")],
        Annotated[UnloadModelResponse, Tag("UnloadModelResponse")],
        Annotated[SaveWeightsResponse, Tag("SaveWeightsResponse")],
        Annotated[LoadWeightsResponse, Tag("LoadWeightsResponse")],
        Annotated[SaveWeightsForSamplerResponseInternal, Tag("SaveWeightsForSamplerResponseInternal")],
        Annotated[SaveWeightsExternalResponseInternal, Tag("SaveWeightsExternalResponseInternal")],
        Annotated[CreateCustomLossResponse, Tag("CreateCustomLossResponse")],
        Annotated[OptimStepResponse, Tag("OptimStepResponse")],
    ],
    Discriminator(_first_fit),
]
"""The declared union of poll replies. With ``TypeAdapter`` it parses as the contract says: first fit wins."""
