"""Official deep import path ``tinker.lib.public_interfaces.rest_client``."""

from ..._rest_client import AdminClient, RestClient

__all__ = ["AdminClient", "RestClient"]
