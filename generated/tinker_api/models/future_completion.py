"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import Discriminator, Tag

from ._base import BaseModel, discriminate

__all__ = ["FutureCompletion", "FutureFailed", "FutureFinished"]


class FutureFinished(BaseModel):
    """A watched request finished; fetch its payload with ``retrieve_future``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["request_id", "state"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"state": "finished"}

    state: Literal["finished"] = "finished"
    request_id: str
    response_payload_uncompressed_size: int | None = None


class FutureFailed(BaseModel):
    """A watched request failed; ``retrieve_future`` returns the error."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["request_id", "state"])
    _tags_on_wire: ClassVar[dict[str, Any]] = {"state": "failed"}

    state: Literal["failed"] = "failed"
    request_id: str


FutureCompletion: TypeAlias = Annotated[
    Annotated[FutureFinished, Tag("finished")] | Annotated[FutureFailed, Tag("failed")],
    Discriminator(
        discriminate(
            "state",
            (
                ("finished", ("request_id",)),
                ("failed", ("request_id",)),
            ),
        )
    ),
]
