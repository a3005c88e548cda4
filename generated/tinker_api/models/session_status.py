"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import Discriminator, Tag

from ._base import BaseModel, discriminate

__all__ = [
    "ClientSessionFinishErrored",
    "ClientSessionFinishInterrupted",
    "ClientSessionFinishReason",
    "ClientSessionFinishSuccess",
    "ClientSessionFinished",
    "SessionActive",
    "SessionCancelled",
    "SessionFailed",
    "SessionFailedReason",
    "SessionFailedRequestReason",
    "SessionFailedSamplingSessionReason",
    "SessionFailedTrainingRunReason",
    "SessionStatus",
]


class ClientSessionFinishSuccess(BaseModel):
    type: Literal["success"] = "success"


class ClientSessionFinishErrored(BaseModel):
    type: Literal["errored"] = "errored"


class ClientSessionFinishInterrupted(BaseModel):
    type: Literal["interrupted"] = "interrupted"


ClientSessionFinishReason: TypeAlias = Annotated[
    Annotated[ClientSessionFinishSuccess, Tag("success")]
    | Annotated[ClientSessionFinishErrored, Tag("errored")]
    | Annotated[ClientSessionFinishInterrupted, Tag("interrupted")],
    Discriminator(
        discriminate(
            "type",
            (
                ("success", ()),
                ("errored", ()),
                ("interrupted", ()),
            ),
        )
    ),
]
"""Why the client finished its session."""


class SessionActive(BaseModel):
    type: Literal["active"] = "active"


class SessionCancelled(BaseModel):
    type: Literal["cancelled"] = "cancelled"
    detail: str | None = None


class ClientSessionFinished(BaseModel):
    type: Literal["client_finished"] = "client_finished"
    reason: ClientSessionFinishReason
    detail: str | None = None


class SessionFailed(BaseModel):
    type: Literal["failed"] = "failed"
    category: Literal["user", "internal"]
    reason: SessionFailedReason
    message: str


class SessionFailedRequestReason(BaseModel):
    type: Literal["request"] = "request"
    request_id: str
    request_type: str


class SessionFailedTrainingRunReason(BaseModel):
    type: Literal["training_run"] = "training_run"
    training_run_id: str


class SessionFailedSamplingSessionReason(BaseModel):
    type: Literal["sampling_session"] = "sampling_session"
    sampling_session_id: str


SessionFailedReason: TypeAlias = Annotated[
    Annotated[SessionFailedRequestReason, Tag("request")]
    | Annotated[SessionFailedTrainingRunReason, Tag("training_run")]
    | Annotated[SessionFailedSamplingSessionReason, Tag("sampling_session")],
    Discriminator(
        discriminate(
            "type",
            (
                ("request", ("request_id", "request_type")),
                ("training_run", ("training_run_id",)),
                ("sampling_session", ("sampling_session_id",)),
            ),
        )
    ),
]


SessionStatus: TypeAlias = Annotated[
    Annotated[SessionActive, Tag("active")]
    | Annotated[SessionCancelled, Tag("cancelled")]
    | Annotated[ClientSessionFinished, Tag("client_finished")]
    | Annotated[SessionFailed, Tag("failed")],
    Discriminator(
        discriminate(
            "type",
            (
                ("active", ()),
                ("cancelled", ()),
                ("client_finished", ("reason",)),
                ("failed", ("category", "reason", "message")),
            ),
        )
    ),
]
