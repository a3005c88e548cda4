"""Official deep import path ``tinker.lib.public_interfaces.sampling_client``."""

from ..._sampling_client import SamplingClient

__all__ = ["SamplingClient"]
