"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar, Literal

from ._base import BaseModel

__all__ = ["SampleStreamEvent"]


class SampleStreamEvent(BaseModel):
    """One server-sent event of `stream_sample`; `data` is JSON."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["data", "event"])

    event: Literal["prompt", "token", "done", "error"]
    id: str | None = None
    retry: int | None = None
    data: str
