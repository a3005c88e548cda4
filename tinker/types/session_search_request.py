"""Public path of the generated `tinker_api.models.session_search_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.session_search_request import SessionSearchRequest

__all__ = ["SessionSearchRequest"]
