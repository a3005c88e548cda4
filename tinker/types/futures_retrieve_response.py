"""Public path of the generated `tinker_api.models.futures_retrieve_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.futures_retrieve_response import FuturesRetrieveResponse

__all__ = ["FuturesRetrieveResponse"]
