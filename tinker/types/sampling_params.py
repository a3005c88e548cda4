"""Public path of the generated `tinker_api.models.sampling_params` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.sampling_params import SamplingParams

__all__ = ["SamplingParams"]
