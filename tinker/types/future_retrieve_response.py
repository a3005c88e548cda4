"""`FutureRetrieveResponse`: the union of poll replies; hand-written because it holds facade result types."""

from __future__ import annotations

from tinker_api.models import (
    CreateModelResponse,
    LoadWeightsResponse,
    OptimStepResponse,
    RequestFailedResponse,
    SaveWeightsExternalResponseInternal,
    SaveWeightsForSamplerResponseInternal,
    SaveWeightsResponse,
    TryAgainResponse,
    UnloadModelResponse,
)

from .forward_backward_output import ForwardBackwardOutput

__all__ = ["FutureRetrieveResponse"]

FutureRetrieveResponse = (
    TryAgainResponse
    | ForwardBackwardOutput
    | OptimStepResponse
    | SaveWeightsResponse
    | LoadWeightsResponse
    | SaveWeightsForSamplerResponseInternal
    | SaveWeightsExternalResponseInternal
    | CreateModelResponse
    | UnloadModelResponse
    | RequestFailedResponse
)
"""The declared union of poll replies (clients dispatch on keys, not on a discriminator)."""
