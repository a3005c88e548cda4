"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from ._base import BaseModel
from .session_status import ClientSessionFinishReason

__all__ = ["FinishSessionResponse"]


class FinishSessionResponse(BaseModel):
    session_id: str | None = None
    reason: ClientSessionFinishReason | None = None
