"""Sessions, sampling sessions and sampler look-ups."""

from __future__ import annotations

from typing import Any, Literal

from ._base import RequestModel, ResponseModel

__all__ = [
    "CreateSamplingSessionRequest",
    "CreateSamplingSessionResponse",
    "CreateSessionRequest",
    "CreateSessionResponse",
    "FinishSessionRequest",
    "GetSamplerResponse",
    "GetSessionResponse",
    "JoinSamplingSessionRequest",
    "JoinSamplingSessionResponse",
    "ListSessionsResponse",
    "SessionFinishReason",
    "SessionFinishReasonType",
    "SessionHeartbeatRequest",
    "SessionHeartbeatResponse",
    "SessionTraceExportPollResponse",
]


class CreateSessionRequest(RequestModel):
    """Body of ``POST /api/v1/create_session``."""

    tags: list[str]
    user_metadata: dict[str, Any] | None = None
    sdk_version: str
    project_id: str | None = None
    display_name: str | None = None
    """Non-unique label, for display and search only."""
    type: Literal["create_session"] = "create_session"


class CreateSessionResponse(ResponseModel):
    """Result of ``create_session``; the messages are meant to be logged at their levels."""

    session_id: str
    info_message: str | None = None
    warning_message: str | None = None
    error_message: str | None = None
    type: Literal["create_session"] = "create_session"


class SessionHeartbeatRequest(RequestModel):
    """Body of ``POST /api/v1/session_heartbeat``."""

    session_id: str
    type: Literal["session_heartbeat"] = "session_heartbeat"


class SessionHeartbeatResponse(ResponseModel):
    """Result of a heartbeat."""

    type: Literal["session_heartbeat"] = "session_heartbeat"


class CreateSamplingSessionRequest(RequestModel):
    """Body of ``POST /api/v1/create_sampling_session`` (``base_model`` or a ``tinker://`` ``model_path``)."""

    session_id: str
    sampling_session_seq_id: int
    base_model: str | None = None
    model_path: str | None = None
    type: Literal["create_sampling_session"] = "create_sampling_session"


class CreateSamplingSessionResponse(ResponseModel):
    """Result of ``create_sampling_session``."""

    sampling_session_id: str
    type: Literal["create_sampling_session"] = "create_sampling_session"


class JoinSamplingSessionRequest(RequestModel):
    """Body of ``POST /api/v1/join_sampling_session`` (a restored sampling client asks for a clone id)."""

    sampling_session_id: str
    type: Literal["join_sampling_session"] = "join_sampling_session"


class JoinSamplingSessionResponse(ResponseModel):
    """The clone id allocated within the sampling session (the original client is 0)."""

    client_counter: int
    type: Literal["join_sampling_session"] = "join_sampling_session"


class GetSessionResponse(ResponseModel):
    """Result of ``GET /api/v1/sessions/{id}``."""

    training_run_ids: list[str]
    sampler_ids: list[str]
    user_metadata: dict[str, str] | None = None
    display_name: str | None = None


class ListSessionsResponse(ResponseModel):
    """Result of ``GET /api/v1/sessions``: session ids."""

    sessions: list[str]


class GetSamplerResponse(ResponseModel):
    """Result of ``GET /api/v1/samplers/{id}``."""

    sampler_id: str
    base_model: str
    model_path: str | None = None


class SessionTraceExportPollResponse(ResponseModel):
    """State of a session trace export (``url`` when ready, ``error`` when failed)."""

    status: Literal["pending", "ready", "failed"]
    url: str | None = None
    error: str | None = None


SessionFinishReasonType = Literal["success", "errored", "interrupted"]


class SessionFinishReason(RequestModel):
    """Why a client finished its session."""

    type: SessionFinishReasonType


class FinishSessionRequest(RequestModel):
    """Body of ``POST /api/v1/sessions/{id}/finish``; ``detail`` is sent even when ``null``."""

    reason: SessionFinishReason
    detail: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON body, always with a ``detail`` key."""
        return {"reason": self.reason.to_json_dict(), "detail": self.detail}
