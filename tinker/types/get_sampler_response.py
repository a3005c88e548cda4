"""Public path of the generated `tinker_api.models.get_sampler_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.get_sampler_response import GetSamplerResponse

__all__ = ["GetSamplerResponse"]
