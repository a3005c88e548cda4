"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import StrictBase
from .tinker_path import TinkerPath

__all__ = ["WeightsInfoRequest"]


class WeightsInfoRequest(StrictBase):
    """Body of ``POST /api/v1/weights_info``."""

    tinker_path: TinkerPath
