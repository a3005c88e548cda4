"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel
from ._mixins.request_failed_response import RequestFailedResponseMixin
from .request_error_category import RequestErrorCategory

__all__ = ["RequestFailedResponse"]


class RequestFailedResponse(RequestFailedResponseMixin, BaseModel):
    """A failed request. Clients treat any 2xx body with an `error` key as a failure (category `unknown` when
    absent).
    """

    error: str
    category: RequestErrorCategory | None = None
