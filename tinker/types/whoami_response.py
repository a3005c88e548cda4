"""`WhoamiResponse`: who a credential belongs to, built by the client from JWT claims (not an HTTP body)."""

from __future__ import annotations

from ._base import ResponseModel

__all__ = ["WhoamiResponse"]


class WhoamiResponse(ResponseModel):
    """Who the credential belongs to (built by the client from JWT claims)."""

    user_urn: str
    email: str | None = None
    org_urn: str
