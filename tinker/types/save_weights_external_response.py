"""Public path of the generated `tinker_api.models.save_weights_external_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.save_weights_external_response import (
    SaveWeightsExternalResponse,
    SaveWeightsExternalResponseInternal,
)

__all__ = ["SaveWeightsExternalResponse", "SaveWeightsExternalResponseInternal"]
