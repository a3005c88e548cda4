"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import Discriminator, Tag

from ._base import StrictBase, discriminate

__all__ = [
    "ActiveSessionStatusQuery",
    "CancelledSessionStatusQuery",
    "ClientFinishedSessionStatusQuery",
    "ClientSessionFinishReasonType",
    "FailedSessionStatusQuery",
    "SessionStatusQuery",
]


ClientSessionFinishReasonType: TypeAlias = Literal["success", "errored", "interrupted"]


class ActiveSessionStatusQuery(StrictBase):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "active"}

    type: Literal["active"] = "active"


class CancelledSessionStatusQuery(StrictBase):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "cancelled"}

    type: Literal["cancelled"] = "cancelled"


class FailedSessionStatusQuery(StrictBase):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "failed"}

    type: Literal["failed"] = "failed"


class ClientFinishedSessionStatusQuery(StrictBase):
    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["type"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"type": "client_finished"}

    type: Literal["client_finished"] = "client_finished"
    reasons: list[ClientSessionFinishReasonType] | None = None


SessionStatusQuery: TypeAlias = Annotated[
    Annotated[ActiveSessionStatusQuery, Tag("active")]
    | Annotated[CancelledSessionStatusQuery, Tag("cancelled")]
    | Annotated[ClientFinishedSessionStatusQuery, Tag("client_finished")]
    | Annotated[FailedSessionStatusQuery, Tag("failed")],
    Discriminator(
        discriminate(
            "type",
            (
                ("active", ()),
                ("cancelled", ()),
                ("client_finished", ()),
                ("failed", ()),
            ),
        )
    ),
]
