"""Official deep import path ``tinker.lib.public_interfaces.backcompat_client_future``."""

from ..._backcompat import BackcompatSamplingClientFuture, BackcompatTrainingClientFuture

__all__ = ["BackcompatTrainingClientFuture", "BackcompatSamplingClientFuture"]
