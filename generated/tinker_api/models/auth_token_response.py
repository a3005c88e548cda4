"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import BaseModel

__all__ = ["AuthTokenResponse"]


class AuthTokenResponse(BaseModel):
    """Result of ``POST /api/v1/auth/token``: a short-lived JWT."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["jwt"])

    jwt: str
