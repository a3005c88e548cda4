"""Public path of the generated `tinker_api.models.save_weights_external_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.save_weights_external_request import SaveWeightsExternalRequest

__all__ = ["SaveWeightsExternalRequest"]
