"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from ._base import BaseModel

__all__ = ["AuthTokenRequest"]


class AuthTokenRequest(BaseModel):
    pass
