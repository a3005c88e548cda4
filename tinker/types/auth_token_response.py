"""Public path of the generated `tinker_api.models.auth_token_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.auth_token_response import AuthTokenResponse

__all__ = ["AuthTokenResponse"]
