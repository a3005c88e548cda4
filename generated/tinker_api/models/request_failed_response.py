"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel
from ._mixins.request_failed_response import RequestFailedResponseMixin
from .request_error_category import RequestErrorCategory

__all__ = ["RequestFailedResponse"]


class RequestFailedResponse(RequestFailedResponseMixin, BaseModel):
    """A failed request. Clients treat any 2xx body with an `error` key as a failure (category `unknown` when
    absent).
    """

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["error"])

    error: str
    category: RequestErrorCategory | None = None
