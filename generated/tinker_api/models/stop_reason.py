"""Generated from openapi/tinker.yaml by codegen.sh; do not edit."""

from typing import Literal, TypeAlias

__all__ = ["StopReason"]


StopReason: TypeAlias = Literal["length", "stop"]
