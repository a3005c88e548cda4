"""Public path of the generated `tinker_api.models.futures_retrieve_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.futures_retrieve_request import FuturesRetrieveRequest, SamplingSessionFuturesTarget

__all__ = ["FuturesRetrieveRequest", "SamplingSessionFuturesTarget"]
