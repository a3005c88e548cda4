"""Public path of the generated `tinker_api.models.save_weights_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.save_weights_response import SaveWeightsResponse

__all__ = ["SaveWeightsResponse"]
