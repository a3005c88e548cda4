"""Public path of the generated `tinker_api.models.training_runs_response` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.training_runs_response import TrainingRunsResponse

__all__ = ["TrainingRunsResponse"]
