"""Public path of the generated `tinker_api.models.create_session_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.create_session_request import CreateSessionRequest

__all__ = ["CreateSessionRequest"]
