"""Deep-import path kept for compatibility; the definitions live in ``tinker.types.optimizer``."""

from .optimizer import AdamOptimizerConfig, DimuonOptimizerConfig, OptimizerConfig

__all__ = ["AdamOptimizerConfig", "DimuonOptimizerConfig", "OptimizerConfig"]
