"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from __future__ import annotations

from ._base import StrictBase

__all__ = ["ClientConfigRequest"]


class ClientConfigRequest(StrictBase):
    sdk_version: str
