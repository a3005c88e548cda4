"""Public path of the generated `tinker_api.models.future_retrieve_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.future_retrieve_request import FutureRetrieveRequest

__all__ = ["FutureRetrieveRequest"]
