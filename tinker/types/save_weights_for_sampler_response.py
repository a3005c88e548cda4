"""Public path of the generated `tinker_api.models.save_weights_for_sampler_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.save_weights_for_sampler_response import (
    SaveWeightsForSamplerResponse,
    SaveWeightsForSamplerResponseInternal,
)

__all__ = ["SaveWeightsForSamplerResponse", "SaveWeightsForSamplerResponseInternal"]
