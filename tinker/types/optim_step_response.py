"""Public path of the generated `tinker_api.models.optim_step_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.optim_step_response import OptimStepResponse

__all__ = ["OptimStepResponse"]
