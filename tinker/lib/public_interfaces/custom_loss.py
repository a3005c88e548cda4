"""Official deep import path ``tinker.lib.public_interfaces.custom_loss``."""

from ..._custom_loss import LossHandle, PerDatumLossFn

__all__ = ["LossHandle", "PerDatumLossFn"]
