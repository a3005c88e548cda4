"""Public path of the generated `tinker_api.models.auth_token_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.auth_token_request import AuthTokenRequest

__all__ = ["AuthTokenRequest"]
