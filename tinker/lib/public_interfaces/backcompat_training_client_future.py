"""Official deep import path ``tinker.lib.public_interfaces.backcompat_training_client_future``."""

from ..._training_client import BackcompatTrainingClientFuture

__all__ = ["BackcompatTrainingClientFuture"]
