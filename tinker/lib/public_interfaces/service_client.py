"""Official deep import path ``tinker.lib.public_interfaces.service_client``."""

from ..._service_client import ServiceClient

__all__ = ["ServiceClient"]
