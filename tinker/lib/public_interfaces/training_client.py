"""Official deep import path ``tinker.lib.public_interfaces.training_client``."""

from ..._training_client import TrainingClient, CustomLossFnV1

__all__ = ["TrainingClient", "CustomLossFnV1"]
