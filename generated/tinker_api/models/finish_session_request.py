"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import StrictBase
from ._mixins.finish_session_request import FinishSessionRequestMixin
from .session_status import ClientSessionFinishReason

__all__ = ["FinishSessionRequest"]


class FinishSessionRequest(FinishSessionRequestMixin, StrictBase):
    reason: ClientSessionFinishReason
    detail: str | None = None
