"""Public path of the generated `tinker_api.models.save_weights_for_sampler_request` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.save_weights_for_sampler_request import SaveWeightsForSamplerRequest

__all__ = ["SaveWeightsForSamplerRequest"]
