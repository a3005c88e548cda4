"""Official deep import path ``tinker.lib.public_interfaces.training_client``."""

from ..._training_client import CustomLossFnV1, TrainingClient

__all__ = ["CustomLossFnV1", "TrainingClient"]
