"""Official deep import path ``tinker.lib.public_interfaces.backcompat_sampling_client_future``."""

from ..._sampling_client import BackcompatSamplingClientFuture

__all__ = ["BackcompatSamplingClientFuture"]
