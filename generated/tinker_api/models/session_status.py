"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

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
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "success"}

    type: Literal["success"] = "success"


class ClientSessionFinishErrored(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "errored"}

    type: Literal["errored"] = "errored"


class ClientSessionFinishInterrupted(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "interrupted"}

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
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "active"}

    type: Literal["active"] = "active"


class SessionCancelled(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "cancelled"}

    type: Literal["cancelled"] = "cancelled"
    detail: str | None = None


class ClientSessionFinished(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["reason", "type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "client_finished"}

    type: Literal["client_finished"] = "client_finished"
    reason: ClientSessionFinishReason
    detail: str | None = None


class SessionFailed(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["category", "message", "reason", "type"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "failed"}

    type: Literal["failed"] = "failed"
    category: Literal["user", "internal"]
    reason: "SessionFailedReason"
    message: str


class SessionFailedRequestReason(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["request_id", "request_type", "type"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "request"}

    type: Literal["request"] = "request"
    request_id: str
    request_type: str


class SessionFailedTrainingRunReason(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["training_run_id", "type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "training_run"}

    type: Literal["training_run"] = "training_run"
    training_run_id: str


class SessionFailedSamplingSessionReason(BaseModel):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(
        ["sampling_session_id", "type"]
    )
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "sampling_session"}

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
