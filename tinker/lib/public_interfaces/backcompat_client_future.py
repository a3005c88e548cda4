"""Official deep import path ``tinker.lib.public_interfaces.backcompat_client_future``."""

from ..._backcompat import BackcompatClientFuture
from ..._sampling_client import BackcompatSamplingClientFuture
from ..._training_client import BackcompatTrainingClientFuture

__all__ = ["BackcompatClientFuture", "BackcompatSamplingClientFuture", "BackcompatTrainingClientFuture"]
