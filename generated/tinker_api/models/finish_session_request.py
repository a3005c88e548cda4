"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from pydantic import Field

from ._base import StrictBase
from ._mixins.finish_session_request import FinishSessionRequestMixin
from .session_status import ClientSessionFinishReason

__all__ = ["FinishSessionRequest"]


class FinishSessionRequest(FinishSessionRequestMixin, StrictBase):
    """Body of ``POST /api/v1/sessions/{id}/finish``; ``detail`` is sent even when ``null``."""

    reason: ClientSessionFinishReason
    detail: str | None = Field(default=None, max_length=10000)
