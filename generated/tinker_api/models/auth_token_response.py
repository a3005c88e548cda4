"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import BaseModel

__all__ = ["AuthTokenResponse"]


class AuthTokenResponse(BaseModel):
    """Result of ``POST /api/v1/auth/token``: a short-lived JWT."""

    jwt: str
