"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from pydantic import Field

from ._base import StrictBase

__all__ = ["ClientConfigRequest"]


class ClientConfigRequest(StrictBase):
    """Body of ``POST /api/v1/client/config`` and ``/client/dynamic_config``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["sdk_version"])

    sdk_version: str = Field(max_length=64)
