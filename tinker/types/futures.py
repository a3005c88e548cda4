"""Server-side futures: the create-call reply, polling bodies and their replies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from ._base import RequestModel, ResponseModel
from .checkpoints import (
    LoadWeightsResponse,
    SaveWeightsExternalResponse,
    SaveWeightsForSamplerResponse,
    SaveWeightsResponse,
)
from .forward_backward_output import ForwardBackwardOutput
from .model_id import ModelID, RequestID
from .optimizer import OptimStepResponse
from .request_error_category import RequestErrorCategory
from .training import CreateModelResponse, UnloadModelResponse

__all__ = [
    "CancelFutureRequest",
    "FutureCompleteMetadata",
    "FutureCompletion",
    "FutureFailed",
    "FutureFinished",
    "FutureRetrieveRequest",
    "FutureRetrieveResponse",
    "FuturesRetrieveRequest",
    "FuturesRetrieveResponse",
    "QueueState",
    "RequestFailedResponse",
    "SamplingSessionFuturesTarget",
    "TryAgainResponse",
    "UntypedAPIFuture",
]

QueueState = Literal["active", "paused_capacity", "paused_rate_limit"]
"""Why a pending request is (not) progressing; clients treat other values as unknown."""


class UntypedAPIFuture(ResponseModel):
    """Reply of every call that starts server-side work; poll ``request_id`` for the result.

    For ``asample`` the server also returns one ``sample_sequence_ids`` entry per requested sample, in the
    order of the final ``SampleResponse.sequences``.
    """

    request_id: RequestID
    model_id: ModelID | None = None
    sample_sequence_ids: list[str] | None = None


class FutureRetrieveRequest(RequestModel):
    """Body of ``POST /api/v1/retrieve_future``."""

    request_id: RequestID
    allow_metadata_only: bool = False
    """Let the server answer with only the payload size when the result is large."""


class TryAgainResponse(ResponseModel):
    """Poll reply: not done yet."""

    type: Literal["try_again"] = "try_again"
    request_id: RequestID
    queue_state: str = "active"
    """A :data:`QueueState` value (other strings mean "unknown")."""
    queue_state_reason: str | None = None


class RequestFailedResponse(ResponseModel):
    """Poll reply: the request failed; ``category`` says whose fault it was."""

    error: str
    category: RequestErrorCategory = RequestErrorCategory.unknown

    @field_validator("category", mode="before")
    @classmethod
    def _lenient_category(cls, value: object) -> RequestErrorCategory:
        return RequestErrorCategory.parse(value)


class FutureCompleteMetadata(ResponseModel):
    """Poll reply: done, but the payload is too large to inline; re-poll without ``allow_metadata_only``."""

    status: Literal["complete_metadata"] = "complete_metadata"
    response_payload_size: int


FutureRetrieveResponse = (
    TryAgainResponse
    | ForwardBackwardOutput
    | OptimStepResponse
    | SaveWeightsResponse
    | LoadWeightsResponse
    | SaveWeightsForSamplerResponse
    | SaveWeightsExternalResponse
    | CreateModelResponse
    | UnloadModelResponse
    | RequestFailedResponse
)
"""The declared union of poll replies (clients dispatch on keys, not on a discriminator)."""


class CancelFutureRequest(RequestModel):
    """Body of ``POST /api/v1/cancel_future``."""

    request_id: RequestID


class SamplingSessionFuturesTarget(RequestModel):
    """Which futures a ``retrieve_futures`` poll watches: those of one sampling-session clone."""

    type: Literal["sampling_session"] = "sampling_session"
    sampling_session_id: str
    cloned_sampler_id: int = 0


class FuturesRetrieveRequest(RequestModel):
    """Body of ``POST /api/v1/retrieve_futures`` (session-wide completion long-poll).

    ``timeout`` ``None`` long-polls with the server's default; ``0`` asks for an immediate answer.
    ``retrieved_request_ids`` acknowledges results the client has read.
    """

    target: SamplingSessionFuturesTarget
    prev_cursor: int = 0
    timeout: float | None = None
    retrieved_request_ids: list[RequestID] = Field(default_factory=list)


class FutureFinished(ResponseModel):
    """A watched request finished; fetch its payload with ``retrieve_future``."""

    state: Literal["finished"] = "finished"
    request_id: RequestID
    response_payload_uncompressed_size: int | None = None


class FutureFailed(ResponseModel):
    """A watched request failed; ``retrieve_future`` returns the error."""

    state: Literal["failed"] = "failed"
    request_id: RequestID


FutureCompletion = Annotated[FutureFinished | FutureFailed, Field(discriminator="state")]


class FuturesRetrieveResponse(ResponseModel):
    """Completions newer than ``prev_cursor``, and the cursor to send next time."""

    completions: list[FutureCompletion]
    cursor: int
