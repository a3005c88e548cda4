"""Session search (``POST /api/v1/sessions/search``, experimental in 0.38)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from ._base import RequestModel, ResponseModel
from .sessions import SessionFinishReason, SessionFinishReasonType

__all__ = [
    "SessionFailureReason",
    "SessionFailureReasonRequest",
    "SessionFailureReasonSamplingSession",
    "SessionFailureReasonTrainingRun",
    "SessionSearchCursor",
    "SessionSearchOwner",
    "SessionSearchOwnerAccessible",
    "SessionSearchOwnerOwn",
    "SessionSearchOwnerUser",
    "SessionSearchRequest",
    "SessionSearchResponse",
    "SessionStatus",
    "SessionStatusActive",
    "SessionStatusCancelled",
    "SessionStatusClientFinished",
    "SessionStatusFailed",
    "SessionStatusQuery",
    "SessionStatusQueryActive",
    "SessionStatusQueryCancelled",
    "SessionStatusQueryClientFinished",
    "SessionStatusQueryFailed",
    "SessionSummary",
]


# --------------------------------------------------------------------------- request


class SessionSearchOwnerOwn(RequestModel):
    """Search the caller's own sessions."""

    type: Literal["own"] = "own"


class SessionSearchOwnerAccessible(RequestModel):
    """Search every session the caller may see."""

    type: Literal["accessible"] = "accessible"


class SessionSearchOwnerUser(RequestModel):
    """Search the sessions of the given users (1 to 10 urns)."""

    type: Literal["user"] = "user"
    owner_urns: list[str] = Field(min_length=1, max_length=10)


SessionSearchOwner = Annotated[
    SessionSearchOwnerOwn | SessionSearchOwnerAccessible | SessionSearchOwnerUser,
    Field(discriminator="type"),
]


class SessionStatusQueryActive(RequestModel):
    """Match running sessions."""

    type: Literal["active"] = "active"


class SessionStatusQueryCancelled(RequestModel):
    """Match sessions cancelled from the console."""

    type: Literal["cancelled"] = "cancelled"


class SessionStatusQueryFailed(RequestModel):
    """Match failed sessions."""

    type: Literal["failed"] = "failed"


class SessionStatusQueryClientFinished(RequestModel):
    """Match sessions the client finished, optionally only for some reasons."""

    type: Literal["client_finished"] = "client_finished"
    reasons: list[SessionFinishReasonType] | None = None


SessionStatusQuery = Annotated[
    SessionStatusQueryActive
    | SessionStatusQueryCancelled
    | SessionStatusQueryFailed
    | SessionStatusQueryClientFinished,
    Field(discriminator="type"),
]


class SessionSearchCursor(ResponseModel):
    """Opaque-ish position for the next page of a search."""

    last_created_at: datetime
    last_session_id: str


class SessionSearchRequest(RequestModel):
    """Search filters; all given filters must match. Results come newest first."""

    session_id: str | None = None
    """Exact session id (OR-ed with ``display_name``)."""
    project_ids: list[str] | None = None
    user_metadata: dict[str, str] = Field(default_factory=dict)
    """Every pair must match."""
    display_name: str | None = None
    """Case-insensitive; every word must appear."""
    owner: SessionSearchOwner = Field(default_factory=SessionSearchOwnerOwn)
    statuses: list[SessionStatusQuery] | None = Field(default=None, min_length=1)
    limit: int = Field(default=50, ge=1, le=200)
    cursor: SessionSearchCursor | None = None


# --------------------------------------------------------------------------- response


class SessionFailureReasonRequest(ResponseModel):
    """A request made the session fail."""

    type: Literal["request"] = "request"
    request_id: str
    request_type: str


class SessionFailureReasonTrainingRun(ResponseModel):
    """A training run made the session fail."""

    type: Literal["training_run"] = "training_run"
    training_run_id: str


class SessionFailureReasonSamplingSession(ResponseModel):
    """A sampling session made the session fail."""

    type: Literal["sampling_session"] = "sampling_session"
    sampling_session_id: str


SessionFailureReason = Annotated[
    SessionFailureReasonRequest | SessionFailureReasonTrainingRun | SessionFailureReasonSamplingSession,
    Field(discriminator="type"),
]


class SessionStatusActive(ResponseModel):
    """The session is running."""

    type: Literal["active"] = "active"


class SessionStatusCancelled(ResponseModel):
    """The session was cancelled from the console."""

    type: Literal["cancelled"] = "cancelled"
    detail: str | None = None


class SessionStatusClientFinished(ResponseModel):
    """The client finished the session."""

    type: Literal["client_finished"] = "client_finished"
    reason: SessionFinishReason
    detail: str | None = None


class SessionStatusFailed(ResponseModel):
    """The session failed."""

    type: Literal["failed"] = "failed"
    category: Literal["user", "internal"]
    reason: SessionFailureReason
    message: str


SessionStatus = Annotated[
    SessionStatusActive | SessionStatusCancelled | SessionStatusClientFinished | SessionStatusFailed,
    Field(discriminator="type"),
]


class SessionSummary(ResponseModel):
    """One search hit."""

    session_id: str
    created_at: datetime
    owner: str
    project_id: str
    status: SessionStatus | None = None
    checkpoints_count: int
    display_name: str | None = None
    user_metadata: dict[str, str] | None = None
    checkpoint_storage_bytes: int | None = None


class SessionSearchResponse(ResponseModel):
    """A page of search hits; ``next_cursor`` is ``None`` when exhausted."""

    sessions: list[SessionSummary]
    next_cursor: SessionSearchCursor | None = None
