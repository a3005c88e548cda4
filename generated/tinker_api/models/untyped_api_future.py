"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["UntypedAPIFuture"]


class UntypedAPIFuture(BaseModel):
    """Reply of every call that starts server-side work; poll ``request_id`` for the result.

    For ``asample`` the server also returns one ``sample_sequence_ids`` entry per requested sample, in the
    order of the final ``SampleResponse.sequences``.
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["request_id"])

    request_id: str
    model_id: str | None = None
    sample_sequence_ids: list[str] | None = None
    """For asample, one id per requested sample in response order (required by SDK 0.38)."""
