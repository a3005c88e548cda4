"""Public path of the generated `tinker_api.models.finish_session_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.finish_session_request import FinishSessionRequest

__all__ = ["FinishSessionRequest"]
