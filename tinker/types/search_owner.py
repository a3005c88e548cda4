"""Public path of the generated `tinker_api.models.search_owner` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.search_owner import AccessibleSearchOwner as AccessibleSearchOwner
from tinker_api.models.search_owner import OwnSearchOwner as OwnSearchOwner
from tinker_api.models.search_owner import SearchOwner as SearchOwner
from tinker_api.models.search_owner import UserSearchOwner as UserSearchOwner

__all__ = ['AccessibleSearchOwner', 'OwnSearchOwner', 'SearchOwner', 'UserSearchOwner']
