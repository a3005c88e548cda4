"""Public path of the generated `tinker_api.models.load_weights_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.load_weights_request import LoadWeightsRequest

__all__ = ["LoadWeightsRequest"]
