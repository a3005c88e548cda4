"""Official deep import path ``tinker.lib.public_interfaces.admin_client``."""

from ..._rest_client import AdminClient

__all__ = ["AdminClient"]
