"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import ClassVar

from ._base import StrictBase
from .tinker_path import TinkerPath

__all__ = ["WeightsInfoRequest"]


class WeightsInfoRequest(StrictBase):
    """Body of ``POST /api/v1/weights_info``."""

    _required_on_wire: ClassVar[frozenset[str]] = frozenset(["tinker_path"])

    tinker_path: TinkerPath
