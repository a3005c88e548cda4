"""Public path of the generated `tinker_api.models.save_weights_external_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.save_weights_external_response import SaveWeightsExternalResponse as SaveWeightsExternalResponse
from tinker_api.models.save_weights_external_response import SaveWeightsExternalResponseInternal as SaveWeightsExternalResponseInternal

__all__ = ['SaveWeightsExternalResponse', 'SaveWeightsExternalResponseInternal']
