"""Official deep import path ``tinker.lib.public_interfaces.api_future``."""

from ..._futures import APIFuture, AwaitableConcurrentFuture

__all__ = ["APIFuture", "AwaitableConcurrentFuture"]
