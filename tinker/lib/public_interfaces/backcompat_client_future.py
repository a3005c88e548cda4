"""Official deep import path ``tinker.lib.public_interfaces.backcompat_client_future``."""

from ..._backcompat import BackcompatSamplingClientFuture, BackcompatTrainingClientFuture
from ..._backcompat import _BackcompatFuture as BackcompatClientFuture

__all__ = ["BackcompatClientFuture", "BackcompatSamplingClientFuture", "BackcompatTrainingClientFuture"]
