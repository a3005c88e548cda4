"""Public path of the generated `tinker_api.models.training_run` (written by codegen.sh; do not edit)."""

from __future__ import annotations

from tinker_api.models.training_run import TrainingRun

__all__ = ["TrainingRun"]
