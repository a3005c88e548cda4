"""Public path of the generated `tinker_api.models.search_owner` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.search_owner import AccessibleSearchOwner, OwnSearchOwner, SearchOwner, UserSearchOwner

__all__ = ["AccessibleSearchOwner", "OwnSearchOwner", "SearchOwner", "UserSearchOwner"]
