"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.training_runs``."""

from .training_runs import TrainingRun

__all__ = ["TrainingRun"]
